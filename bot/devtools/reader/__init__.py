"""The reader's training side (issue 19): corpora and questions written for training, candidate
pairs mined from the retriever for blind labelling, labels and their agreement, training of
the designs compared, and the ONNX export. Never imported by the serving path."""
