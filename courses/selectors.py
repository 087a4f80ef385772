"""Reads on courses: the catalogue, a learner's progress, and per-course reports."""

from dataclasses import dataclass, field
from datetime import timedelta
from functools import reduce
from operator import or_

from django.core.cache import cache
from django.db.models import BooleanField, Case, Count, Exists, OuterRef, Q, Value, When
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone
from wagtail.models import Page

from courses.models import (
    Attempt,
    Competence,
    CompetenceDomain,
    CoursePage,
    Enrolment,
    EnrolmentStatus,
    LessonPage,
    LessonProgress,
    QuizPage,
)
from lms.models import PersonCategory, Unit
from lms.pages import kept_else_read, kept_else_read_each, pages_version, public_pages
from lms.selectors import person_of
from lms.vietnamese import fold


def kept_records_below(page):
    """How many records that the site keeps (learners' enrolments, progress, attempts, certificates...) point at
    ``page`` or at a page below it, so that deleting it would fail: none when it can be deleted."""
    try:
        Collector(using="default").collect(Page.objects.descendant_of(page, inclusive=True))
    except (ProtectedError, RestrictedError) as error:
        return len(getattr(error, "protected_objects", None) or error.restricted_objects)
    return 0


def missing_prerequisites(*, person, course):
    """The prerequisite courses ``person`` has not completed yet."""
    done = Enrolment.objects.filter(person=person, completed_at__isnull=False).values("course_id")
    return list(course.prerequisites.live().exclude(pk__in=done).order_by("title"))


def missing_prerequisites_by_person(course, people):
    """``{person id: [titles]}``: the live prerequisite courses of ``course`` each of ``people`` has not completed,
    for those lacking any; one query per prerequisite, however many people."""
    person_ids = set(people.values_list("pk", flat=True))
    missing = {}
    for prerequisite in course.prerequisites.live().order_by("title"):
        completed = Enrolment.objects.filter(course=prerequisite, completed_at__isnull=False, person__in=people)
        for person_id in person_ids - set(completed.values_list("person_id", flat=True)):
            missing.setdefault(person_id, []).append(prerequisite.title)
    return missing


def done_allowed_at(opened_at, lesson):
    """When a lesson opened at ``opened_at`` may be marked done: after its minimum reading time."""
    return opened_at + timedelta(minutes=lesson.min_reading_minutes or 0)


FILTER_CHOICES_KEY = "courses:catalogue_filter_choices"
# What the catalogue's filters offer is read from these models; a change to one forgets the cached choices.
FILTER_CHOICE_MODELS = (Competence, CompetenceDomain, PersonCategory)


def catalogue_filter_choices():
    """What the catalogue's filters offer: every competence (with its domain) and the active categories of people.
    They change seldom, so they are kept in the cache, one read instead of two queries on every catalogue page;
    saving or deleting one of them forgets them (``forget_catalogue_filter_choices``), and the cache keeps them
    an hour at most, for changes made without Django's signals (migrations, bulk updates)."""
    choices = cache.get(FILTER_CHOICES_KEY)
    if choices is None:
        choices = {
            "competence_choices": list(Competence.objects.select_related("domain")),
            "audience_choices": list(PersonCategory.objects.filter(is_active=True)),
        }
        cache.set(FILTER_CHOICES_KEY, choices, timeout=3600)
    return choices


def forget_catalogue_filter_choices(**_signal):
    """Receiver of ``post_save`` and ``post_delete`` of the ``FILTER_CHOICE_MODELS``."""
    cache.delete(FILTER_CHOICES_KEY)


def catalogue(index_page, request):
    """The live courses under ``index_page`` matching the filters in the request's query (competence, audience, q).
    The catalogue as it first opens, with no filter, is the same for everyone: each process keeps it until a page
    or a competence changes (``lms.pages.kept_else_read``)."""
    params = request.GET
    competence = params.get("competence", "")
    audience = params.get("audience", "")
    query = " ".join(params.get("q", "").split())[:100]
    if competence or audience or query:
        courses = catalogue_courses(index_page, competence, audience, query)
    else:
        courses = kept_else_read(
            pages_version(request),
            ("catalogue", index_page.pk),
            lambda: list(catalogue_courses(index_page, "", "", "")),
        )
    return {
        "courses": courses,
        **catalogue_filter_choices(),
        "selected": {"competence": competence, "audience": audience, "q": query},
    }


def catalogue_courses(index_page, competence, audience, query):
    courses = CoursePage.objects.child_of(index_page).live().filter(public_pages()).order_by("path")
    if competence:
        courses = courses.filter(competences__number=competence)
    if audience:
        courses = courses.filter(Q(audience__code=audience) | Q(audience__isnull=True))
    if query:
        courses = courses.filter(search_text__contains=fold(query))
    return (
        courses.distinct()
        .select_related("cover_image")
        .prefetch_related("competences")
        # what a card shows and its link needs, not every field of the page
        .only("title", "path", "depth", "url_path", "summary", "estimated_hours", "cover_image")
    )


def unique_or_none(queryset):
    """The one row of a lookup by a unique key, or None: as ``first()``, without the ORDER BY that ``first()`` adds
    and Django compiles on each learner page that asks (a tenth of a millisecond each time)."""
    return next(iter(queryset[:1]), None)


def learner_person(user):
    """The person the user is, for reading their learning (``link_person`` links the account)."""
    return person_of(user) if user.is_authenticated else None


def learner_enrolment(request, course):
    """The logged-in learner's person and their enrolment in ``course`` (either may be None): read once a request
    (the check before a lesson or a quiz is served and the page itself both ask), and kept by each process until the
    learner's record changes (``Person.learning_version``, raised by enrolling, opening another lesson, a lesson
    done, a quiz graded...)."""
    if not hasattr(request, "learner_enrolments"):
        request.learner_enrolments = {}
    if course.pk not in request.learner_enrolments:
        person = learner_person(request.user)
        enrolment = (
            kept_else_read(
                pages_version(request),
                ("enrolment", person.pk, person.learning_version, course.pk),
                lambda: unique_or_none(Enrolment.objects.filter(person=person, course=course)),
            )
            if person
            else None
        )
        request.learner_enrolments[course.pk] = (person, enrolment)
    return request.learner_enrolments[course.pk]


@dataclass
class LearnerProgress:
    """What the learner of an enrolment did in its course: their lessons' progress by lesson id and the ids of the
    quizzes they passed."""

    lessons: dict = field(default_factory=dict)
    passed_quizzes: set = field(default_factory=set)


def learner_progress(request, enrolment):
    """What the learner of ``enrolment`` (None: nothing) did in its course, kept by each process as their enrolment
    is (``learner_enrolment``); a page's change too may change what passed (a quiz's grading method)."""
    if enrolment is None:
        return LearnerProgress()
    person = learner_person(request.user)
    return kept_else_read(
        pages_version(request),
        ("learner progress", person.learning_version, enrolment.pk),
        lambda: LearnerProgress(
            lessons={progress.lesson_id: progress for progress in enrolment.lesson_progress.all()},
            passed_quizzes={
                quiz_id for _enrolment, quiz_id in Attempt.objects.filter(enrolment=enrolment).passed_keys()
            },
        ),
    )


def course_steps(courses, request):
    """Each course's live lessons and quizzes in order (pages of Wagtail's base type, each with ``required``), by the
    course's id: the same for every learner, so each process keeps them until a page changes
    (``lms.pages.kept_else_read_each``) and reads those it does not keep in one query, however many courses."""
    by_id = {course.pk: course for course in courses}

    def read(ids):
        steps = {pk: [] for pk in ids}
        course_ids = {by_id[pk].path: pk for pk in ids}
        for step in (
            Page.objects.live()
            .filter(reduce(or_, (Page.objects.child_of_q(by_id[pk]) for pk in ids)))
            .annotate(required=Coalesce("lessonpage__required", "quizpage__required"))
            .filter(required__isnull=False)  # lessons and quizzes
            .only("title", "path", "url_path", "content_type_id")
            .order_by("path")
        ):
            steps[course_ids[step.path[: -Page.steplen]]].append(step)
        return steps

    return kept_else_read_each(pages_version(request), "course steps", list(by_id), read)


def live_courses(ids, request):
    """The live courses of these ids by id (each with what a link to it needs), as each process keeps them: the
    same for every learner; those not kept are read in one query."""
    courses = kept_else_read_each(
        pages_version(request),
        "live course",
        ids,
        lambda missing: (
            CoursePage.objects.live()
            .filter(pk__in=missing)
            .only("title", "path", "depth", "url_path", "content_type_id")
            .in_bulk()
        ),
    )
    return {pk: course for pk, course in courses.items() if course is not None}


def course_links(course, progress, request, *, previewed=False):
    """The pages a course page links to: its live lessons and its live quizzes (``course_steps``, each with
    ``is_done`` as the learner's ``progress`` says: a lesson done, a quiz passed) and its live prerequisite courses,
    kept like its steps. A ``previewed`` course holds the prerequisites being edited in memory: those are shown,
    not the ones saved."""
    steps = course_steps([course], request)[course.pk]
    lessons = [step for step in steps if issubclass(step.specific_class, LessonPage)]
    quizzes = [step for step in steps if issubclass(step.specific_class, QuizPage)]
    if previewed:
        prerequisites = [page for page in course.prerequisites.all() if page.live]  # no .live() in memory
    else:
        prerequisites = kept_else_read(
            pages_version(request),
            ("course prerequisites", course.pk),
            lambda: list(
                Page.objects.live()
                .filter(coursepage__required_by=course)
                .only("title", "path", "url_path", "live", "content_type_id")
                .order_by("path")
            ),
        )
    for lesson in lessons:
        lesson_progress = progress.lessons.get(lesson.pk)
        lesson.is_done = lesson_progress is not None and lesson_progress.done_at is not None
    for quiz in quizzes:
        quiz.is_done = quiz.pk in progress.passed_quizzes
    return lessons, quizzes, prerequisites


def next_lesson(lessons, enrolment):
    """Where to go on: the step last opened if not done, else the first step not done (lessons, then quizzes)."""
    if enrolment is None or not lessons:
        return lessons[0] if lessons else None
    for lesson in lessons:
        if lesson.pk == enrolment.last_lesson_id and not lesson.is_done:
            return lesson
    return next((lesson for lesson in lessons if not lesson.is_done), None)


def required_progress(steps):
    """How far a learner is through a course's required ``steps`` (lessons and quizzes, each with ``is_done``):
    steps done of all, and apart the lessons done and the quizzes passed, since a lesson page counts lessons only
    (“Bài 2/4”) and a quiz is no lesson."""
    required = [step for step in steps if step.required]
    lessons = [step for step in required if issubclass(step.specific_class, LessonPage)]
    quizzes = [step for step in required if not issubclass(step.specific_class, LessonPage)]
    return {
        "required_done": sum(step.is_done for step in required),
        "required_count": len(required),
        "lessons_done": sum(step.is_done for step in lessons),
        "lesson_count": len(lessons),
        "quizzes_passed": sum(step.is_done for step in quizzes),
        "quiz_count": len(quizzes),
    }


def course_context(course, request):
    """What the course page shows to the learner: lessons, enrolment and progress, what blocks enrolling."""
    person, enrolment = learner_enrolment(request, course)
    lessons, quizzes, prerequisites = course_links(
        course, learner_progress(request, enrolment), request, previewed=getattr(request, "is_preview", False)
    )
    return {
        "person": person,
        "enrolment": enrolment,
        "lessons": lessons,
        "quizzes": quizzes,
        "next_lesson": next_lesson(lessons + quizzes, enrolment),
        **required_progress(lessons + quizzes),
        "missing_prerequisites": (  # shown only to a learner not enrolled yet
            missing_prerequisites(person=person, course=course) if person and not enrolment else []
        ),
        **course_labels(course, request),
        "prerequisites": prerequisites,
    }


def course_labels(course, request):
    """The names of the course's audience (categories of cadres) and of its competences, the same for every learner:
    kept by each process like its pages; a preview shows those being edited."""
    if getattr(request, "is_preview", False):
        return {"audience": list(course.audience.all()), "competences": list(course.competences.all())}
    return kept_else_read(
        pages_version(request),
        ("course labels", course.pk),
        lambda: {
            "audience": [str(category) for category in course.audience.all()],
            "competences": [str(competence) for competence in course.competences.all()],
        },
    )


def lesson_context(lesson, request):
    """What a lesson page shows: its course, place in it, and whether it can be marked done yet."""
    course = lesson.get_parent()  # for its title, link and pages: read by the route already
    _person, enrolment = learner_enrolment(request, course)
    # after the last lesson comes the first quiz
    steps = course_steps([course], request)[course.pk]
    lessons = [step for step in steps if issubclass(step.specific_class, LessonPage)]
    quizzes = [step for step in steps if issubclass(step.specific_class, QuizPage)]
    position = next((index for index, item in enumerate(lessons) if item.pk == lesson.pk), 0)
    progress = learner_progress(request, enrolment).lessons.get(lesson.pk)
    # Not opened yet: the page's script opens it now (a POST), so the reading clock starts about now.
    opened_at = progress.opened_at if progress else timezone.now()
    done_at = done_allowed_at(opened_at, lesson) if enrolment else None
    return {
        "course": course,
        "enrolment": enrolment,
        "progress": progress,
        "lessons": lessons,
        "position": position + 1,
        "previous_lesson": lessons[position - 1] if position > 0 else None,
        "following_lesson": lessons[position + 1] if position + 1 < len(lessons) else next(iter(quizzes), None),
        "done_allowed_at": done_at,
        "wait_minutes": max(0, -(-int((done_at - timezone.now()).total_seconds()) // 60)) if done_at else 0,
    }


def learner_courses(person, request):
    """A learner's enrolments in live courses, each with ``required_done``, ``required_count``,
    ``percent``, ``next_lesson`` (lessons and quizzes count), and for one not completed with a due date its
    ``days_left`` (below 0 once overdue) and ``days_overdue``; in three queries however many courses (the courses and
    their steps as the process keeps them, ``live_courses`` and ``course_steps``)."""
    enrolments = list(Enrolment.objects.filter(person=person).order_by("completed_at", "due_date", "-enrolled_at"))
    courses = live_courses([enrolment.course_id for enrolment in enrolments], request)
    enrolments = [enrolment for enrolment in enrolments if enrolment.course_id in courses]
    if not enrolments:
        return []
    for enrolment in enrolments:
        enrolment.course = courses[enrolment.course_id]
    steps_by_course = course_steps([enrolment.course for enrolment in enrolments], request)
    done = set(
        LessonProgress.objects.filter(enrolment__in=enrolments, done_at__isnull=False).values_list(
            "enrolment_id", "lesson_id"
        )
    )
    done |= Attempt.objects.filter(enrolment__in=enrolments).passed_keys()
    today = timezone.localdate()
    for enrolment in enrolments:
        # lessons first, then quizzes
        steps = sorted(
            steps_by_course[enrolment.course_id], key=lambda step: not issubclass(step.specific_class, LessonPage)
        )
        for step in steps:
            step.is_done = (enrolment.pk, step.pk) in done
        for name, value in required_progress(steps).items():
            setattr(enrolment, name, value)
        enrolment.percent = (
            100 if enrolment.completed_at else int(100 * enrolment.required_done / (enrolment.required_count or 1))
        )
        enrolment.next_lesson = None if enrolment.completed_at else next_lesson(steps, enrolment)
        enrolment.days_left = (
            (enrolment.due_date - today).days if enrolment.due_date and not enrolment.completed_at else None
        )
        enrolment.days_overdue = max(0, -enrolment.days_left) if enrolment.days_left is not None else 0
    return enrolments


def enrolments_for(user):
    """The enrolments of the people in ``user``'s unit subtree, each with its ``status`` and whether it is
    ``overdue`` (not completed, and its due date has passed)."""
    started = Exists(LessonProgress.objects.filter(enrolment=OuterRef("pk")))
    return Enrolment.objects.visible_to(user).annotate(
        status=Case(
            When(completed_at__isnull=False, then=Value(EnrolmentStatus.COMPLETED)),
            When(started, then=Value(EnrolmentStatus.IN_PROGRESS)),
            default=Value(EnrolmentStatus.NOT_STARTED),
        ),
        overdue=Case(
            When(Enrolment.overdue_on(timezone.localdate()), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def progress_by_unit(course, unit, user):
    """For each unit directly below ``unit`` (and ``unit`` itself, for its own people): how many people
    are enrolled in ``course``, in progress and completed. One query for the counts, whatever the tree.
    ``unit`` None stands for the whole country, whose rows are the top units."""
    path, depth = (unit.path, unit.depth) if unit else ("", 0)
    branch_length = (depth + 1) * Unit.steplen
    enrolments = enrolments_for(user).filter(course=course)
    children = Unit.objects.visible_to(user).filter(depth=depth + 1)
    if unit:
        enrolments, children = enrolments.in_unit(unit), children.in_unit(unit)
    counts = {
        row["branch"]: row
        for row in enrolments.annotate(branch=Substr("person__unit__path", 1, branch_length))
        .values("branch")
        .annotate(
            enrolled=Count("pk"),
            in_progress=Count("pk", filter=Q(status=EnrolmentStatus.IN_PROGRESS)),
            completed=Count("pk", filter=Q(status=EnrolmentStatus.COMPLETED)),
        )
        .order_by()
    }
    empty = {"enrolled": 0, "in_progress": 0, "completed": 0}
    rows = [{"unit": unit, "own_people": True, **empty, **counts.get(path, {})}] if unit else []
    rows += [
        {"unit": child, "own_people": False, **empty, **counts.get(child.path, {})}
        for child in children.order_by("name")
    ]
    rows = [row for row in rows if row["enrolled"] or not row["own_people"]]
    for row in rows:
        row.pop("branch", None)
        row["not_started"] = row["enrolled"] - row["in_progress"] - row["completed"]
    total = {key: sum(row[key] for row in rows) for key in ("enrolled", "in_progress", "completed", "not_started")}
    return rows, total
