"""The example article's reference list imports into a claim map that audits.

The list is rebuilt from the bundled claim map, whose `cited_as` values are the article's
references exactly as printed (leading number removed), numbered as the article numbers
them and surrounded by prose lines, as a reader pastes it from the page."""

from __future__ import annotations

import json
import re
from pathlib import Path

from claimcheck.inputs.claimmap import load_claim_map
from tests.test_cli import SEED_EVIDENCE, SEED_MAP, run


def test_the_seed_reference_list_imports_with_its_printed_dois_and_audits(
    tmp_path: Path,
) -> None:
    seed = load_claim_map(SEED_MAP)
    printed = [r.cited_as or "" for r in seed.references]
    pasted = tmp_path / "references.txt"
    lines = ["干细胞治疗的安全性到底怎么样?", "", "参考文献:"]
    lines += [f"{n}. {text}" for n, text in enumerate(printed, start=1)]
    pasted.write_text("\n".join([*lines, "", "版权所有"]) + "\n", encoding="utf-8")
    out = tmp_path / "claims" / "seed.yaml"

    result = run("import", pasted, "-o", out)

    assert result.exit_code == 0, result.stderr
    imported = load_claim_map(out)
    assert [r.cited_as for r in imported.references] == printed
    assert [r.doi for r in imported.references if r.doi] == [
        r.doi for r in seed.references if r.doi
    ]
    assert len([r for r in imported.references if r.doi]) == 8  # refs 18-25 print one
    assert all(re.fullmatch(r"R\d+", r.id) for r in imported.references)
    audited = run("audit", out, "-f", "json", "--replay", SEED_EVIDENCE, "--allow-incomplete")
    document = json.loads(audited.stdout)
    assert document["summary"]["references"] == 25
    assert audited.exit_code in (0, 1), audited.stderr
