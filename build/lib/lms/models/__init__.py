from .accounts import User
from .audit import UnitLogEntry
from .people import Gender, Person, PersonCategory
from .training import (
    Attendance,
    AttendanceMethod,
    SessionKind,
    TrainingKind,
    TrainingRecord,
    TrainingSession,
)
from .units import Unit, UnitLevel

__all__ = [
    "Attendance",
    "AttendanceMethod",
    "Gender",
    "Person",
    "PersonCategory",
    "SessionKind",
    "TrainingKind",
    "TrainingRecord",
    "TrainingSession",
    "Unit",
    "UnitLevel",
    "UnitLogEntry",
    "User",
]
