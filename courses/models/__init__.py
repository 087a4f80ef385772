from .competences import Competence, CompetenceDomain
from .pages import CourseIndexPage, CoursePage, EnrolmentMode, LessonPage
from .progress import AssignmentStatus, CourseAssignment, Enrolment, EnrolmentSource, EnrolmentStatus, LessonProgress
from .questions import (
    EssayQuestion,
    MatchingQuestion,
    MultipleChoiceQuestion,
    NumericalQuestion,
    Question,
    QuestionCategory,
    ShortAnswerQuestion,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)

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
    "EssayQuestion",
    "LessonPage",
    "LessonProgress",
    "MatchingQuestion",
    "MultipleChoiceQuestion",
    "NumericalQuestion",
    "Question",
    "QuestionCategory",
    "ShortAnswerQuestion",
    "SingleChoiceQuestion",
    "TrueFalseQuestion",
]
