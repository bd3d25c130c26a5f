"""A coverage answer as text for a terminal: the answer first, then why, then what was set aside."""

from __future__ import annotations

from datetime import date

from .check import CoverageAnswer, Finding

_LABELS = {"covered": "covered", "not-covered": "not covered", "conditional": "conditional (covered with criteria)",
           "conflict": "conflict (sources disagree)", "varies": "varies by line of business", "unknown": "unknown",
           "no-decision": "no decision",
           "not-used": "not used"}


def _period(start: date | None, end: date | None) -> str:
    return f"{start.isoformat() if start else 'any date'} to {end.isoformat() if end else 'open-ended'}"


def _finding(finding: Finding) -> list[str]:
    source = finding.policy or "statement citing no policy"
    if finding.policy_title:
        source += f' "{finding.policy_title}"'
    by = ", ".join(finding.publishers) or finding.payer
    lob = f", {finding.line_of_business}" if finding.line_of_business else ""
    lines = [f"  - {_LABELS[finding.outcome]}: {source} ({by}{lob}), in effect {_period(finding.effective_from, finding.effective_through)}",
             f"      status {finding.status}, prior authorization {finding.prior_authorization}; {finding.note}"]
    for ref in finding.evidence:
        lines.append(f"      from {ref.document}" + (f" line {ref.line}" if ref.line else "") + (f": {ref.quote}" if ref.quote else ""))
    return lines


def render_text(answer: CoverageAnswer) -> str:
    """A coverage answer as the terminal shows it: the status, prior authorization, and each assertion with its source."""
    asked = [f"diagnosis {answer.diagnosis}" if answer.diagnosis else "",
             f"place of service {answer.place_of_service}" if answer.place_of_service else "",
             answer.line_of_business or ""]
    context = ", ".join(part for part in asked if part)
    lines = [
        f"code:                {answer.code}",
        f"payer:               {answer.payer}",
        f"date of service:     {answer.date.isoformat()}" + (f" ({context})" if context else ""),
        f"coverage:            {_LABELS[answer.coverage]}",
        f"prior authorization: {answer.prior_authorization}",
        f"summary:             {answer.summary}",
    ]
    for note in answer.notes:
        lines.append(f"note:                {note}")
    if answer.by_line_of_business:
        lines.append("by line of business:")
        for line in answer.by_line_of_business:
            lines.append(f"  - {line.line_of_business}: {_LABELS[line.coverage]}, prior authorization {line.prior_authorization}")
    if answer.used:
        lines.append("why:")
        for finding in answer.used:
            lines.extend(_finding(finding))
    if answer.not_used:
        lines.append("not used:")
        for finding in answer.not_used:
            lines.extend(_finding(finding))
    return "\n".join(lines) + "\n"
