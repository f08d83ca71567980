"""The services one running bot uses, gathered for handlers and jobs (built by app.py)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.clock import Clock
from bot.services.access import AccessService
from bot.services.exams import ExamService
from bot.services.faq import FaqService
from bot.services.outbox import Outbox
from bot.services.quiz import QuizService
from bot.services.reports import ReportService
from bot.services.roster import RosterService
from bot.services.study import StudyService
from bot.services.training import TrainingService


@dataclass(frozen=True, slots=True)
class Services:
    clock: Clock
    access: AccessService
    roster: RosterService
    study: StudyService
    quiz: QuizService
    exams: ExamService
    training: TrainingService
    faq: FaqService
    reports: ReportService
    outbox: Outbox
    bot_username: str | None = None
