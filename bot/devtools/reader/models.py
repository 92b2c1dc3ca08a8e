"""The reader designs compared for issue 19, in torch (training only; serving runs the ONNX
export without torch).

(a) `CrossReader`: the bundled all-MiniLM-L6-v2 transformer reading question and passage
    together, mean-pooled (the weights were trained with mean pooling, so a head on the CLS
    output starts cold), with a three-way head: answers / on the topic / unrelated.
(b) `PairHead`: a small MLP over the frozen sentence embeddings (u, v, |u-v|, u*v): nearly
    free at serving time, since the index already holds the passages' vectors.
(c) `CrossReader` with fewer layers, started from (a)'s own blocks and head and trained on
    (a)'s scores as well as the labels."""

from __future__ import annotations

import torch
from torch import nn
from transformers import AutoModel


class CrossReader(nn.Module):
    def __init__(self, source: str, *, layers: int | None = None) -> None:
        super().__init__()
        self.encoder = AutoModel.from_pretrained(source)
        if layers is not None:
            kept = kept_layers(len(self.encoder.encoder.layer), layers)
            self.encoder.encoder.layer = nn.ModuleList(
                self.encoder.encoder.layer[i] for i in kept
            )
            self.encoder.config.num_hidden_layers = layers
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(self.encoder.config.hidden_size, 3)

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
    ) -> torch.Tensor:
        hidden = self.encoder(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return self.head(self.dropout(pooled))


def kept_layers(total: int, layers: int) -> list[int]:
    """Evenly spaced blocks, always the first and the last: the first sits on the embeddings,
    the last is what the teacher's head was trained to read (DistilBERT-style start)."""
    if layers >= total:
        return list(range(total))
    if layers == 1:
        return [total - 1]
    return sorted({round(i * (total - 1) / (layers - 1)) for i in range(layers)})


class PairHead(nn.Module):
    def __init__(self, dimension: int = 384, hidden: int = 256) -> None:
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(dimension * 4, hidden), nn.ReLU(), nn.Dropout(0.2), nn.Linear(hidden, 3)
        )

    def forward(self, u: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        return self.net(torch.cat([u, v, (u - v).abs(), u * v], dim=-1))
