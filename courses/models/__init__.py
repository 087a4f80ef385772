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
from .quiz import Attempt, AttemptQuestion, AttemptState, GradingMethod, QuizPage, QuizSlot, ReviewOption

__all__ = [
    "AssignmentStatus",
    "Attempt",
    "AttemptQuestion",
    "AttemptState",
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
    "GradingMethod",
    "LessonPage",
    "LessonProgress",
    "MatchingQuestion",
    "MultipleChoiceQuestion",
    "NumericalQuestion",
    "Question",
    "QuestionCategory",
    "QuizPage",
    "QuizSlot",
    "ReviewOption",
    "ShortAnswerQuestion",
    "SingleChoiceQuestion",
    "TrueFalseQuestion",
]
