"""Stop words per content language: words too common to explain why a record matched, never marked in snippets.

Written folded (lower case, no accents), as `text.words()` gives them. The search itself still requires
every word typed; these lists only decide what a snippet marks and which passage explains a match.
"""

from .text import fold

_LISTS = {
    "en": """
        a about above after again against all am an and any are as at be because been before being below
        between both but by can could did do does doing down during each few for from further had has have
        having he her here hers herself him himself his how i if in into is it its itself just me more most
        my myself no nor not now of off on once only or other our ours ourselves out over own same she should
        so some such than that the their theirs them themselves then there these they this those through to
        too under until up very was we were what when where which while who whom why will with would you your
        yours yourself yourselves
    """,
    "fr": """
        a afin ai aie aient ais ait as au aucun aupres aussi autre aux avait avec avez avoir c ca car ce ceci
        cela celle celles celui ces cet cette ceux chaque comme d dans de depuis des deja du donc dont elle
        elles en entre es est et etaient etait ete etre eu eux il ils j je l la le les leur leurs lui m ma mais
        me meme mes moi mon n ne ni nos notre nous on ont or ou par parmi pas peu plus pour pres qu quand que
        quel quelle quelles quels qui s sa sans se selon ses si sien soi son sont sous sur t ta te tes toi ton
        tous tout toute toutes tres tu un une vers vos votre vous y
    """,
    "es": """
        a al algo algun alguna algunas algunos ante antes aqui asi aun cada como con contra cual cuales cuando
        de del desde donde durante e el ella ellas ellos en entre era eran es esa esas ese eso esos esta estaba
        estan estar estas este esto estos fue fueron fui ha habia han hasta hay la las le les lo los mas me mi
        mis mucho muy ni no nos nosotros o os otra otras otro otros para pero poco por porque que quien quienes
        se sea segun ser si sin sobre son su sus tambien tan te tiene tienen todo todos tu tus u un una unas
        uno unos y ya yo
    """,
}

STOP_WORDS: dict[str, frozenset[str]] = {code: frozenset(words.split()) for code, words in _LISTS.items()}
_NONE: frozenset[str] = frozenset()  # a language without a list (an Arabic PDF page): every word counts


def is_stop_word(word: str, language: str) -> bool:
    """Whether `word` is a stop word of `language` (a language without a list has none)."""
    return fold(word) in STOP_WORDS.get(language, _NONE)
