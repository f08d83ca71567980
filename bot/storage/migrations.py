"""Versioned schema migrations, applied in order at start (`PRAGMA user_version` = how many ran).

Never edit a migration that has shipped; add a new one.
"""

from __future__ import annotations

_V1_FOUNDATION = """
CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    role TEXT NOT NULL,
    phone TEXT,
    telegram_id INTEGER UNIQUE,
    active INTEGER NOT NULL DEFAULT 1,
    blocked_at TEXT,
    bound_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX people_unit_name ON people(unit_id, name);
CREATE TABLE bind_codes (
    code TEXT PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    created_at TEXT NOT NULL,
    used_at TEXT,
    used_by INTEGER
);
CREATE UNIQUE INDEX bind_codes_one_open ON bind_codes(person_id) WHERE used_at IS NULL;
CREATE TABLE study_groups (
    id INTEGER PRIMARY KEY,
    chat_id INTEGER NOT NULL UNIQUE,
    title TEXT NOT NULL,
    track TEXT NOT NULL,
    unit_id INTEGER REFERENCES units(id),
    active INTEGER NOT NULL DEFAULT 1,
    blocked_at TEXT,
    bound_by INTEGER,
    created_at TEXT NOT NULL
);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
"""

_V2_STUDY_PUSH = """
CREATE TABLE push_days (
    id INTEGER PRIMARY KEY,
    track TEXT NOT NULL,
    day TEXT NOT NULL,
    item_id TEXT NOT NULL,
    cycle INTEGER NOT NULL,
    pinned INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    UNIQUE (track, day)
);
CREATE TABLE payloads (
    id INTEGER PRIMARY KEY,
    digest TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL
);
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    recipient_key TEXT NOT NULL,
    recipient_kind TEXT NOT NULL,
    ref_id INTEGER NOT NULL,
    chat_id INTEGER NOT NULL,
    day TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload_id INTEGER NOT NULL REFERENCES payloads(id),
    status TEXT NOT NULL DEFAULT 'pending',
    parts_sent INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL DEFAULT 0,
    last_error TEXT,
    message_ids TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    sent_at TEXT,
    UNIQUE (recipient_key, day, kind)
);
CREATE INDEX deliveries_due ON deliveries(status, next_attempt_at);
CREATE INDEX deliveries_day ON deliveries(day, kind, status);
CREATE TABLE study_records (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    item_id TEXT NOT NULL,
    push_day TEXT NOT NULL,
    studied_at TEXT NOT NULL,
    studied_day TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    late INTEGER NOT NULL DEFAULT 0,
    via TEXT NOT NULL,
    UNIQUE (person_id, push_day)
);
CREATE INDEX study_records_day ON study_records(push_day);
CREATE TABLE job_state (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"""

_V3_QUIZ = """
CREATE TABLE sittings (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES people(id),
    kind TEXT NOT NULL,
    exam_id TEXT,
    chat_id INTEGER NOT NULL,
    question_ids TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    started_at TEXT NOT NULL,
    deadline TEXT,
    finished_at TEXT,
    score INTEGER,
    passed INTEGER
);
CREATE INDEX sittings_person ON sittings(person_id, kind, exam_id);
CREATE INDEX sittings_open ON sittings(finished_at, deadline);
CREATE TABLE quiz_asks (
    id INTEGER PRIMARY KEY,
    question_id TEXT NOT NULL,
    context TEXT NOT NULL,
    chat_id INTEGER NOT NULL,
    person_id INTEGER REFERENCES people(id),
    sitting_id INTEGER REFERENCES sittings(id),
    message_id INTEGER,
    poll_id TEXT UNIQUE,
    selection TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX quiz_asks_sitting ON quiz_asks(sitting_id);
CREATE TABLE quiz_answers (
    id INTEGER PRIMARY KEY,
    ask_id INTEGER NOT NULL REFERENCES quiz_asks(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    question_id TEXT NOT NULL,
    context TEXT NOT NULL,
    choice TEXT NOT NULL,
    correct INTEGER NOT NULL,
    answered_at TEXT NOT NULL,
    answered_day TEXT NOT NULL,
    UNIQUE (ask_id, person_id)
);
CREATE INDEX quiz_answers_person ON quiz_answers(person_id, question_id);
CREATE INDEX quiz_answers_day ON quiz_answers(answered_day);
CREATE TABLE review_queue (
    person_id INTEGER NOT NULL REFERENCES people(id),
    question_id TEXT NOT NULL,
    box INTEGER NOT NULL,
    due_day TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (person_id, question_id)
);
CREATE INDEX review_due ON review_queue(person_id, due_day);
CREATE TABLE exams (
    id TEXT PRIMARY KEY,
    spec TEXT NOT NULL,
    created_by INTEGER,
    created_at TEXT NOT NULL
);
"""

_V4_TRAINING = """
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    mode TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    hours REAL NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    roles TEXT NOT NULL DEFAULT '[]',
    units TEXT NOT NULL DEFAULT '[]',
    opens_at TEXT NOT NULL,
    closes_at TEXT NOT NULL,
    late_after TEXT NOT NULL,
    code TEXT NOT NULL,
    token TEXT NOT NULL UNIQUE,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    announced_at TEXT,
    reminded_at TEXT,
    closed_at TEXT
);
CREATE INDEX sessions_code ON sessions(code, closes_at);
CREATE INDEX sessions_start ON sessions(starts_at);
CREATE TABLE attendance (
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    status TEXT NOT NULL,
    via TEXT NOT NULL,
    at TEXT NOT NULL,
    marked_by TEXT,
    PRIMARY KEY (session_id, person_id)
);
CREATE INDEX attendance_person ON attendance(person_id);
CREATE TABLE code_attempts (
    id INTEGER PRIMARY KEY,
    telegram_id INTEGER NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX code_attempts_user ON code_attempts(telegram_id, at);
"""

_V5_CONSULTATIONS = """
CREATE TABLE consultations (
    id INTEGER PRIMARY KEY,
    person_id INTEGER REFERENCES people(id),
    telegram_id INTEGER NOT NULL,
    chat_id INTEGER NOT NULL,
    question TEXT NOT NULL,
    matched_id TEXT,
    score REAL NOT NULL DEFAULT 0,
    outcome TEXT NOT NULL,
    via TEXT NOT NULL DEFAULT 'ask',
    feedback TEXT,
    asked_at TEXT NOT NULL,
    asked_day TEXT NOT NULL,
    staff_reply TEXT,
    staff_by TEXT,
    staff_at TEXT
);
CREATE INDEX consultations_day ON consultations(asked_day);
CREATE INDEX consultations_open ON consultations(outcome, staff_at);
"""

_V6_REPORT_INDEXES = """
ALTER TABLE study_records ADD COLUMN delivered INTEGER NOT NULL DEFAULT 0;
UPDATE study_records SET delivered = EXISTS (
    SELECT 1 FROM deliveries d WHERE d.kind = 'study' AND d.status = 'sent'
    AND d.recipient_kind = 'person' AND d.ref_id = study_records.person_id
    AND d.day = study_records.push_day);
CREATE INDEX deliveries_person_day ON deliveries(ref_id, day)
    WHERE kind = 'study' AND status = 'sent' AND recipient_kind = 'person';
CREATE INDEX study_records_person ON study_records(person_id, push_day, minutes, delivered);
CREATE INDEX study_records_day_delivered ON study_records(push_day, delivered);
CREATE INDEX deliveries_study_day ON deliveries(day)
    WHERE kind = 'study' AND status = 'sent' AND recipient_kind = 'person';
ALTER TABLE quiz_answers ADD COLUMN sitting_id INTEGER;
UPDATE quiz_answers SET sitting_id = (SELECT sitting_id FROM quiz_asks WHERE quiz_asks.id = ask_id);
CREATE INDEX quiz_answers_person_day ON quiz_answers(person_id, answered_day, correct, sitting_id);
CREATE INDEX sittings_started ON sittings(started_at);
CREATE INDEX quiz_asks_context ON quiz_asks(context, created_at);
"""

MIGRATIONS: tuple[str, ...] = (
    _V1_FOUNDATION,
    _V2_STUDY_PUSH,
    _V3_QUIZ,
    _V4_TRAINING,
    _V5_CONSULTATIONS,
    _V6_REPORT_INDEXES,
)
