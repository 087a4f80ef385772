from .competences import Competence, CompetenceDomain
from .pages import CourseIndexPage, CoursePage, EnrolmentMode, LessonPage
from .progress import AssignmentStatus, CourseAssignment, Enrolment, EnrolmentSource, EnrolmentStatus, LessonProgress

__all__ = [
    "AssignmentStatus",
    "Competence",
    "CompetenceDomain",
    "CourseAssignment",
    "CourseIndexPage",
    "CoursePage",
    "Enrolment",
    "EnrolmentMode",
    "EnrolmentSource",
    "EnrolmentStatus",
    "LessonPage",
    "LessonProgress",
]
