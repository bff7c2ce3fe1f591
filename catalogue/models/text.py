"""Text hygiene: what a catalogue text field may hold.

Every text field refuses the control characters nobody types but a paste can carry (Word's soft line
break U+000B, a page break U+000C, NUL, DEL…), which no feed, calendar or export can carry; tab and line
breaks stay allowed in multi-line fields (summaries, descriptions). Single-line fields (titles, names,
places) refuse line breaks too. The validators sit on the model fields, so forms, full_clean() and the
validating loaddata all refuse such text, naming the character and where it is.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# C0 controls and DEL by their Unicode names (lower case, as the message shows them); U+FFFE and U+FFFF
# are no characters at all. Tab, LF and CR are not listed: they are whitespace, not control.
_CONTROL_NAMES = {
    **dict(
        enumerate(
            [
                "null",
                "start of heading",
                "start of text",
                "end of text",
                "end of transmission",
                "enquiry",
                "acknowledge",
                "alert",
                "backspace",
                "character tabulation",
                "line feed",
                "line tabulation",
                "form feed",
                "carriage return",
                "shift out",
                "shift in",
                "data link escape",
                "device control one",
                "device control two",
                "device control three",
                "device control four",
                "negative acknowledge",
                "synchronous idle",
                "end of transmission block",
                "cancel",
                "end of medium",
                "substitute",
                "escape",
                "information separator four",
                "information separator three",
                "information separator two",
                "information separator one",
            ]
        )
    ),
    0x7F: "delete",
    0xFFFE: "noncharacter",
    0xFFFF: "noncharacter",
}
_ALLOWED_CONTROLS = {"\t", "\n", "\r"}
# Line breaks, for single-line fields: LF, CR, next line, line and paragraph separators.
_LINE_BREAKS = {"\n", "\r", "\x85", "\u2028", "\u2029"}


# What the loops below look for, found at C speed first: most text holds none of it.
_SUSPECT_CONTROL = re.compile(
    "[" + "".join(re.escape(chr(code)) for code in _CONTROL_NAMES if chr(code) not in _ALLOWED_CONTROLS) + "]"
)
_SUSPECT_LINE_BREAK = re.compile("[" + "".join(sorted(_LINE_BREAKS)) + "]")


def _refuse_control_characters(value: str) -> None:
    if not _SUSPECT_CONTROL.search(value):
        return
    for position, character in enumerate(value, start=1):
        if ord(character) in _CONTROL_NAMES and character not in _ALLOWED_CONTROLS:
            raise ValidationError(
                _(
                    "Remove the control character %(code)s (%(name)s) at position %(position)s: it is invisible, "
                    "often pasted from a word processor, and feeds and exports cannot carry it."
                ),
                code="control_character",
                params={
                    "code": f"U+{ord(character):04X}",
                    "name": _CONTROL_NAMES[ord(character)],
                    "position": position,
                },
            )


def validate_multiline_text(value: str) -> None:
    """Refuse control characters other than tab and line breaks."""
    _refuse_control_characters(value)


def validate_single_line_text(value: str) -> None:
    """Refuse control characters and line breaks: a title, a name, a place is one line."""
    _refuse_control_characters(value)
    if not _SUSPECT_LINE_BREAK.search(value):
        return
    for position, character in enumerate(value, start=1):
        if character in _LINE_BREAKS:
            raise ValidationError(
                _("This field holds one line: remove the line break (%(code)s) at position %(position)s."),
                code="line_break",
                params={"code": f"U+{ord(character):04X}", "position": position},
            )
