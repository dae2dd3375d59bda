"""Write ``seeds/identity/cjk_character_pinyin.csv``: the pinyin of the common Chinese characters.

Identity resolution compares a name written in characters (李娜) with the same
name in pinyin (Li Na) through this table. The characters are GB2312's level 1
(3,755 characters, the ones in everyday use, which covers common family and given
names); each gets its most common reading without tone marks, as ``pypinyin``
gives it for the character alone, and ü as u (吕 is Lu, as passports and the
name match key, which drops the diaeresis of Lü, write it). The table is data committed to the project;
this script only regenerates it, and needs ``pypinyin``, which the project does
not otherwise depend on::

    pip install pypinyin==0.55.0
    python -m c360.dev.write_pinyin_seed seeds/identity/cjk_character_pinyin.csv
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

# GB2312 level 1: rows 16 to 55 of the 94 x 94 code table, 94 cells each, except
# the last row, which ends at cell 89.
_FIRST_ROW, _LAST_ROW, _LAST_ROW_CELLS = 16, 55, 89


def level_one_characters() -> list[str]:
    characters = []
    for row in range(_FIRST_ROW, _LAST_ROW + 1):
        cells = _LAST_ROW_CELLS if row == _LAST_ROW else 94
        for cell in range(1, cells + 1):
            characters.append(bytes([0xA0 + row, 0xA0 + cell]).decode("gb2312"))
    return characters


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    from pypinyin import Style, lazy_pinyin

    rows = [
        (character, lazy_pinyin(character, style=Style.NORMAL, v_to_u=True)[0].replace("ü", "u"))
        for character in level_one_characters()
    ]
    with Path(argv[0]).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["cjk_character", "pinyin"])
        writer.writerows(rows)
    print(f"{len(rows)} characters written to {argv[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
