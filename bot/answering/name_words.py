"""The word lists the name finder weighs a word against: faker's name lists, read once on
first use, and the short lists below.

NAME_WORDS: English words that are also given names or surnames in faker's lists, so that a
lower-case "will", "grace" or "foster" is a name only with a cue. Made by
`python -m bot.devtools.privacy_eval --name-words /usr/share/dict/british-english-small`
(Debian's wbritish-small 2020.12.07, faker 40.63): the dictionary's lower-case words that are
in the name lists. Rerun it when faker's lists change.
"""

from __future__ import annotations

import importlib
import unicodedata
from dataclasses import dataclass
from functools import cache

from bot.text import stopwords

# faker's person providers whose names are written in Latin letters and are common among the
# families a UK children's service works with.
LOCALES = (
    "en", "en_GB", "en_IE", "ga_IE", "en_US", "en_NZ", "en_IN", "en_PK", "en_KE", "en_NG",
    "yo_NG", "ig_NG", "ha_NG", "tw_GH", "sw", "zu_ZA", "fr_DZ", "pl_PL", "ro_RO", "lt_LT",
    "lv_LV", "sk_SK", "cs_CZ", "hu_HU", "hr_HR", "sl_SI", "es_ES", "pt_PT", "pt_BR", "it_IT",
    "fr_FR", "de_DE", "nl_NL", "tr_TR", "id_ID", "az_AZ", "uz_UZ",
)  # fmt: skip


@dataclass(frozen=True)
class Lexicon:
    """Lower-cased words the finder looks up."""

    first: frozenset[str]
    surnames: frozenset[str]
    everyday: frozenset[str]  # common English, stop words, cue and practice words, months
    ordinary: frozenset[str]  # everyday words, English words that are also names, places


@cache
def lexicon() -> Lexicon:
    """faker's lists, read once (about 0.4 s of CPU and 16 MB); nothing is downloaded."""
    first: set[str] = set()
    surnames: set[str] = set()
    for locale in LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        first |= _names(provider, ("first_names", "first_names_male", "first_names_female"))
        surnames |= _names(provider, ("last_names", "last_names_male", "last_names_female"))
    lorem = importlib.import_module("faker.providers.lorem.en_US").Provider.word_list
    places = importlib.import_module("faker.providers.address.en_GB").Provider
    place_words = {
        w.lower() for name in (*places.counties, *places.countries) for w in name.split()
    }
    everyday = frozenset(
        {word.lower() for word in lorem}
        | stopwords()
        | RELATIONS
        | TITLES
        | CALLED
        | PRACTICE
        | MONTHS
        | DAYS
    )
    return Lexicon(
        frozenset(first), frozenset(surnames), everyday, everyday | NAME_WORDS | place_words
    )


def _names(provider: object, attributes: tuple[str, ...]) -> set[str]:
    found: set[str] = set()
    for attribute in attributes:
        values = getattr(provider, attribute, ())
        if isinstance(values, tuple | list | dict):
            found.update(unicodedata.normalize("NFC", v).lower() for v in values)
    return found


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


NAME_WORDS = _words(
    """
    abate abbey ace add admiral ah albino ale ally almond alpha alto amber amble amir among
    angel angelic ani arch archer arenas aria arias art arts aspen atlas august aura author
    autumn azalea babe baby backer bail baker bale ball ban banks barb barber bare barman baron
    basil bass bath bean beard bee beer bell bender berry best bigot bill bins birch bird bishop
    bite black blanch blaze blessing bliss block blossom blot bob bode bond bones bonnet boon
    booth bore boss bourgeois bowler brain branch brands brandy bravo bray brick bridge bridges
    bright brook brooks brown browning buck bud buddy bull bunk burns burr burrows bush butcher
    butler butte caddie cadence cam camps canal canals candy canning cannon canny cant canyon
    cap caprice captain car carol carpenter carry carton case cases cash chambers champ chance
    char charity chase chastity cherish cherry chin china chip christen chuck church cinnamon
    clay clear cleave cliff collie colon colonel colt comas combs comfort commodore company con
    contractor convey cook cooper coral cord corral council cousin cousins cox coy crane creed
    crooks cross cruise crystal cumming curry curt daisy dare dash date dawn day deacon dean
    deep delta derrick destiny diamond dimple din diver divine dock doctor dodo doe doll dolly
    don dot dove downing downs drew dries drum duff duke dusty each earl early earnest ebb ebony
    echo eddy edit elder else ember emerald emir emit era essence ether eve ever fair fairy
    faith fall fancy fanning fares farmer fate fawn fed fee feline fern ferry field fielding
    fields finch fisher fleet flint flood floor flora flowers font foot ford forest forum foster
    fount fox franc frank freely french fresh friend frost fry fuller gal gala gale gamble
    garland garnet garret garrison gates gauge gay gee gene general genesis genie gentry gill
    ginger glass glasses glen golden good gore gorge governor grace grant graves green grey
    grimes grit gross grove guard gunner gunning gust guy hale hall ham hand handy harden hardy
    hare haring harm harmony harry harsh hart hasty haven hay hays hazel hearty heath heather
    heaven hence herb herd heron herring hicks hill hills ho hoes holder holly honing hood hook
    hope horn house huff hull hung hunt hunter icy immaculate infant innocent ion iris ivory ivy
    jack jade jail jarred jay jet jewel job journey joy judge jug junior junk justice keeling
    ken key kick kidney killer king kiss kit kitty knight lacy lad lady lamb lance lane lark
    laurel lavender law lawless lawyer leach leafy leaner lee leech lemon less levy liberty lily
    link lips little llamas lone long looney loot lope lopes lord lore lot love low loyal lucid
    lucky lute lynch lyric mace macho mad madden made mads magnolia major male mall mallet man
    mane manly manning mans mar mare maria marina marine mark marks marry marsh marshal mart
    martin marvel mas mason master mat mate mats matt maverick maxim may meadow meadows media
    melody merchant mercy merrily merry metro mike mile miles miller mills miner minor miracle
    misty moan moles monk monks moody moon more moss mountain mule nail newt newton nick noble
    north nova oak octave olive opal oral orange orchard ova pace page pages pal pall palomino
    pansy pant pap parent park parks parsons pastor pat pate patience patty peace peacock pearl
    peck peer penny pepper peter peters petty phoenix pi pier pierce pike pink plaza pleas
    pleasant pole polo pop pope poppy porter post potter potters power powers precious press
    price priest prince princess prosper prudence puck purity queen quill rafter raid rails ram
    ransom ravel raven ray read reader real reason red redden reed reis rice rich riddle ridge
    rim ring river rivers roach rob robin rock rocky rod roe roll roman room rose rosemary rosy
    rout royal ruby ruddy rush rust rusty sad safari sage sager said saint salami sales sally
    salmon sandal sandy sane sang sari savage scarlet sears sellers serenity server seven sever
    shade sharp sheikh shepherd sherry shields shine short sierra silk silver sincere sing sire
    sister sitters skip sky small smart smit smith snow sole son sonata soprano sparks spears
    spies spring squire stack star stark steer sterling steward stokes stone stoney storey storm
    stormy story stout street strong sue summer summers sunny sunshine supple swift swords tab
    tailor talon tan tank tanner tawny tea thatcher theta tiara ties till tins tiny too torrent
    torrents toy trace treasure trinity true turner unique unknown unnamed urban us valentine
    valid van veer velvet vi vial victor victory vigil villa viola violet wade wage walker wall
    walls ward warmer warren warrior wash waters watt watts way weaver weeks wellington wells
    were west white will willow wills windy wing winter winters wise witting wolf wood woods
    woody worth wren wright yoga young zeta
    """
)

# Words before a name that say a person follows: "her brother jack", "foster carer Pat".
RELATIONS = _words(
    """
    aunt auntie aunty baby boy boyfriend bro brother carer carers child childminder client
    cousin cyp dad daddy daughter ex father fiance fiancee friend girl girlfriend gran grandad
    granddad grandfather grandma grandmother grandpa granny guardian husband infant kid lad lass
    mam mate mom mother mum mummy nan nana nanna nanny neighbour nephew niece partner pupil
    sibling sis sister son stepdad stepfather stepmom stepmother stepmum student teen teenager
    toddler twin uncle wife yp
    """
)

# Words after which the next capitalised word is a name whatever it is: "Mrs D'Souza".
TITLES = _words(
    """
    dr master miss mr mrs ms mx
    """
)

CALLED = _words(
    """
    called calls named nicknamed
    """
)

# A name right before one of these names a rule, a report or a body: "Munro review".
EPONYMS = _words(
    """
    act assessment competence competency criteria enquiry framework guidelines inquiry judgement
    judgment law laws model principle protocol report review rule ruling scale test tool toolkit
    triangle
    """
)

# "Clare's Law", "Jordan's Principle" (but "Jayden's review" is about Jayden).
EPONYMS_AFTER_POSSESSIVE = _words(
    """
    law laws principle rule
    """
)

# Practice words, abbreviations and chat shorthand staff type in lower case; never names.
PRACTICE = _words(
    """
    abe adults ae ams approx asap asye babies bc boys cafcass camhs capita carers cce cg cgm
    children cin cla cme cmh cos coz cp cpp cse cspr cuz da dbs dcs dfe dob dols dsl dv dvds
    eclipse ed edt eha ehcp ehe epo esw etc ewo families fgc fgdm fgm fyi girls gp hos hsb
    hv ico icpc ilacs imo info irh iro ish jtai kids lac lado lbp lcs leavers lgm
    liquidlogic lpm lscp mace mappa marac mash max min mosaic mst ncp nfa nhs ni nqsw nrm
    nrpf ofsted pa pams parents people pep plo pls plwg plz ppm pr practitioners
    professionals pru psw qa rcpc re rhi sar scr sdq sen send sgo siblings sm ssw strat sw
    swe ta taf tbh tho thx tm twins uasc workers wrt wt yot
    """
)

MONTHS = _words(
    """
    apr april aug august dec december feb february jan january jul july jun june mar march may
    nov november oct october sep sept september
    """
)

DAYS = _words(
    """
    friday monday saturday sunday thursday tuesday wednesday
    """
)

# Peoples, faiths and communities, written with a capital but not a family's name: "the Roma
# family", "the Christian family" ("Polish", "Romanian", "Sudanese" are known by their endings).
GROUPS = _words(
    """
    afghan african american arab asian bangladeshi black catholic christian czech dutch english
    eritrean european greek gypsy hindu iraqi jamaican kenyan korean kuwaiti libyan mexican mixed
    moroccan muslim nepali pakistani qatari roma romani saudi sikh slovak somali thai tibetan
    traveller travellers ugandan welsh white yemeni
    """
)
GROUP_ENDINGS = ("ish", "ian", "ese", "ean")

# Words before "school", "nursery" or "academy" that describe a kind of school, not name one.
SCHOOL_KINDS = _words(
    """
    academy alternative another boarding catholic church current day different each education
    every faith fe first football forest form free further grammar her high his holiday home
    hospital independent infant infants its junior juniors last local lower mainstream middle my
    new next nursery old other our previous primary private residential same secondary sixth
    special state summer sunday that their this training trust upper village virtual your
    """
)
