"""Judging references while the lookups of the others are still in flight. Pure.

An online audit of 1,000 references waits about 7 s for list answers (the polite pool allows
3 list queries a second) and spends about 0.15 s judging; judged only after the last answer,
those 0.15 s are added to every run. A reference is judged early only when nothing its
verdict reads can change after that:

- its own lookup found the work (only a found work is judged early: DataCite's answers and
  metadata searches come at the end);
- every record the work links to has been answered, and none is a provisional "not found";
- the judgement read no other record. `related` is given as a view of just those records,
  which notes any other DOI asked for (the records Retraction Watch's CSV names, say): such a
  judgement is dropped, and the reference is judged with the others at the end.

At the end, `judgements` keeps only those whose records are the very objects the final
judging reads (an answer replaced since drops its judgement), and `pipeline.judge` takes them
as they are: the result is the one judging every reference at the end gives
(tests/test_early_judging.py compares them).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

from claimcheck.checks.pipeline import Citing, Judged, Sources, judge_reference
from claimcheck.model.claimmap import ClaimMap, Reference
from claimcheck.model.record import Lookup, LookupStatus


class _Final(Mapping[str, Lookup]):
    """The answers for `dois`, each final; asking for any other DOI marks the view strayed."""

    def __init__(self, answers: Mapping[str, Lookup], dois: Iterable[str]) -> None:
        self._answers = answers
        self._dois = frozenset(dois)
        self.strayed = False

    def __getitem__(self, doi: str) -> Lookup:
        if doi in self._dois:
            return self._answers[doi]
        self.strayed = True  # whether the final judging would find it is not known yet
        raise KeyError(doi)

    def __iter__(self) -> Iterator[str]:
        self.strayed = True  # a reader of every record reads records not known yet
        return iter(self._dois)

    def __len__(self) -> int:
        self.strayed = True
        return len(self._dois)


class EarlyJudge:
    """Takes answers as they come (`add`) and judges each reference whose records are all
    final; `judged` holds the judgements, keyed as `pipeline.judge` takes them."""

    def __init__(
        self,
        maps: Sequence[ClaimMap],
        sources: Sources,
        linked: Callable[[Lookup], Sequence[str]],
    ) -> None:
        # Each judgement, with the answers it read: its own, and the linked records'.
        self.judged: dict[tuple[str, str], tuple[Judged, Lookup, tuple[Lookup, ...]]] = {}
        self._sources, self._linked = sources, linked
        self._citing: dict[str, list[tuple[Citing, Reference]]] = defaultdict(list)
        for claim_map in maps:
            citing = Citing(claim_map)
            for reference in claim_map.references:
                if reference.doi and reference.doi_error is None:
                    self._citing[reference.doi].append((citing, reference))
        self._answers: dict[str, Lookup] = {}
        self._links: dict[str, Sequence[str]] = {}  # a found work's DOI -> the DOIs it links to
        self._missing: dict[str, set[str]] = {}  # a found work's DOI -> linked DOIs to come
        self._waiting_on: defaultdict[str, list[str]] = defaultdict(list)  # the reverse

    def add(self, answers: Iterable[Lookup]) -> None:
        ready: list[str] = []
        for lookup in answers:
            doi = lookup.doi
            if doi in self._answers:
                continue  # each DOI is answered once; a repeat changes nothing
            self._answers[doi] = lookup
            if doi in self._citing and lookup.status is LookupStatus.FOUND and lookup.work:
                self._links[doi] = self._linked(lookup)
                missing = {d for d in self._links[doi] if d not in self._answers}
                self._missing[doi] = missing
                for linked in missing:
                    self._waiting_on[linked].append(doi)
                if not missing:
                    ready.append(doi)
            for work_doi in self._waiting_on.pop(doi, []):
                self._missing[work_doi].discard(doi)
                if not self._missing[work_doi]:
                    ready.append(work_doi)
        for doi in ready:
            self._judge(doi)

    def _judge(self, doi: str) -> None:
        lookup, linked = self._answers[doi], self._links[doi]
        read = tuple(self._answers[d] for d in linked)
        for citing, reference in self._citing[doi]:
            own = _Final(self._answers, [doi])
            related = _Final(self._answers, linked)
            judged = judge_reference(citing, reference, own, related, self._sources)
            if not (own.strayed or related.strayed):
                self.judged[citing.path, reference.id] = (judged, lookup, read)

    def judgements(
        self, lookups: Mapping[str, Lookup], related: Mapping[str, Lookup]
    ) -> dict[tuple[str, str], Judged]:
        """The judgements made from the very answers the final judging reads, for
        `pipeline.judge`: one whose work or linked record was answered again since (a second
        read of the same DOI) is dropped, and its reference judged with the rest."""
        return {
            key: judged
            for key, (judged, lookup, read) in self.judged.items()
            if lookups.get(lookup.doi) is lookup
            and all(related.get(answer.doi) is answer for answer in read)
        }
