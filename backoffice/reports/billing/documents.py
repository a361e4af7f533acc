"""What every billing document shares: how members pay, and batches of documents (all in
one PDF — each numbered from its own page 1 — or one PDF each), with progress."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from reportlab.platypus import ActionFlowable, Flowable, PageBreak

from backoffice.identity import ServiceIdentity
from backoffice.reports import pdf

Story = list[Flowable]
OnEach = Callable[[int], None]


@dataclass(frozen=True)
class PaymentDetails:
    """How members pay: the service's account for transfers (the identity's account
    printed on invoices), its SEPA creditor id (ICS), and the texts of the
    ``billing.payment_terms`` and ``billing.late_interest_rate`` settings."""

    payee: str
    iban: str
    bic: str
    creditor_id: str
    terms: str
    late_interest: str


def iban_display(iban: str) -> str:
    compact = iban.replace(" ", "")
    return " ".join(compact[index : index + 4] for index in range(0, len(compact), 4))


class _DocumentEnd(ActionFlowable):
    """Closes a document of a batch: the next one starts at page 1, progress is told (and
    may stop the build by raising)."""

    def __init__(self, index: int, on_each: OnEach | None) -> None:
        super().__init__()
        self.index = index
        self.on_each = on_each

    def apply(self, document: Any) -> None:
        document.page = 0
        if self.on_each is not None:
            self.on_each(self.index)


class _LazyStory(list):
    """The flowables of a batch, pulled from the stories as the build consumes them, so
    that a campaign of thousands of invoices is never in memory at once."""

    def __init__(self, stories: Iterator[Story], on_each: OnEach | None) -> None:
        super().__init__()
        self.stories = enumerate(stories)
        self.on_each = on_each
        self.exhausted = False

    def __len__(self) -> int:
        while super().__len__() < 2 and not self.exhausted:
            self._pull()
        return super().__len__()

    def _pull(self) -> None:
        try:
            index, story = next(self.stories)
        except StopIteration:
            self.exhausted = True
            return
        if index:
            self.append(PageBreak())
        self.extend(story)
        self.append(_DocumentEnd(index, self.on_each))


def render_batch(
    identity: ServiceIdentity, title: str, stories: Iterable[Story], on_each: OnEach | None = None
) -> bytes:
    """Several documents in one PDF (``on_each(index)`` once each is laid out)."""
    buffer = BytesIO()
    template = pdf.document_template(buffer, identity, title=title)
    template.build(_LazyStory(iter(stories), on_each))
    return buffer.getvalue()


def render_one(identity: ServiceIdentity, title: str, story: Story) -> bytes:
    return pdf.render(identity, title, story)
