from .accounts import ActivationCode, SingleSignOnIdentity, User
from .audit import UnitLogEntry
from .jobs import BackgroundJob, JobStateError, JobStatus
from .lockouts import LoginLockout
from .people import Gender, Person, PersonCategory, PersonMove
from .personal_data import AccessKind, CorrectionRequest, CorrectionStatus, PersonalDataAccess
from .training import (
    Attendance,
    AttendanceMethod,
    SessionKind,
    TrainingCorrection,
    TrainingKind,
    TrainingRecord,
    TrainingSession,
)
from .units import Unit, UnitLevel, unit_search_key

__all__ = [
    "AccessKind",
    "ActivationCode",
    "Attendance",
    "AttendanceMethod",
    "BackgroundJob",
    "CorrectionRequest",
    "CorrectionStatus",
    "Gender",
    "JobStateError",
    "JobStatus",
    "LoginLockout",
    "Person",
    "PersonCategory",
    "PersonMove",
    "PersonalDataAccess",
    "SessionKind",
    "SingleSignOnIdentity",
    "TrainingCorrection",
    "TrainingKind",
    "TrainingRecord",
    "TrainingSession",
    "Unit",
    "UnitLevel",
    "UnitLogEntry",
    "User",
    "unit_search_key",
]
