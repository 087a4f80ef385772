from .competences import Competence, CompetenceDomain
from .pages import CourseIndexPage, CoursePage, EnrolmentMode, LessonPage
from .progress import CourseAssignment, Enrolment, EnrolmentSource, EnrolmentStatus, LessonProgress
from .questions import (
    QUESTION_TYPES,
    DescriptionQuestion,
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
    "QUESTION_TYPES",
    "Attempt",
    "AttemptQuestion",
    "AttemptState",
    "Competence",
    "CompetenceDomain",
    "CourseAssignment",
    "CourseIndexPage",
    "CoursePage",
    "DescriptionQuestion",
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
