"""Moodle XML: the format Moodle uses for whole question banks, read and written.

The reader follows Moodle's own (question/format/xml): ``<quiz>`` holds ``<question type="...">`` elements,
a ``category`` one naming the category of the questions after it. Fractions are in percent, texts carry
their format (html, moodle_auto_format, markdown, plain_text) and pictures come as base64 ``<file>``
elements that the text refers to as ``@@PLUGINFILE@@/name``. What Moodle has and the bank does not
(penalties, hints, tags, units...) is told in a note on the question.

The writer puts a category's questions, and those of the categories inside it, in a file Moodle imports;
the category paths are relative to the category written, as in GIFT, so the file imported into a category
of the same name gives back the same categories.
"""

import base64
import binascii
import io
import os
import re
from decimal import Decimal, InvalidOperation
from html import escape, unescape
from urllib.parse import quote, unquote
from xml.etree.ElementTree import ParseError, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from wagtail.images import get_image_model
from wagtail.rich_text import expand_db_html
from wagtail.rich_text.rewriters import extract_attrs

from courses.models.questions import LARGEST_DIGITS, QUESTION_TYPES
from courses.question_formats import (
    FormatError,
    Invalid,
    ParsedQuestion,
    answer_text,
    gift_category,
    number_text,
    plain,
    points_in,
    rich_text,
    weight_text,
)
from lms.converters import parse_id

# Reading

XML_TEXT_FORMATS = {"html": "html", "moodle_auto_format": "moodle", "markdown": "markdown", "plain_text": "plain"}
PLUGINFILE = "@@PLUGINFILE@@"
IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
ATTRIBUTE = re.compile(r"""([\w:-]+)\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""")
PICTURE_TYPES = ("gif", "jpeg", "jpg", "png", "webp")
WEIGHT_PLACES = Decimal("0.00001")
PENALTIES = {"truefalse": Decimal(1), "essay": Decimal(0), "description": Decimal(0)}  # the others: a third
DEFAULT_PENALTY = Decimal("0.3333333")  # as Moodle writes it
COMBINED_FEEDBACK = {  # Moodle's default texts, which say nothing of the question
    "correctfeedback": "Your answer is correct.",
    "partiallycorrectfeedback": "Your answer is partially correct.",
    "incorrectfeedback": "Your answer is incorrect.",
}


class LineBuilder(TreeBuilder):
    """The tree of the file, remembering the line each ``<question>`` starts on."""

    def __init__(self):
        super().__init__()
        self.parser = None
        self.lines = {}

    def start(self, tag, attrs):
        element = super().start(tag, attrs)
        if tag == "question":
            self.lines[element] = self.parser.parser.CurrentLineNumber
        return element


def parse(content):
    """The root element of the XML ``content`` and the line of each question; entities are refused."""
    builder = LineBuilder()
    builder.parser = DefusedXMLParser(target=builder)
    builder.parser.feed(content)
    return builder.parser.close(), builder.lines


def read_moodle_xml(file, filename):
    try:
        root, lines = parse(file.read())
    except ParseError as error:
        line, column = error.position
        return [], [
            FormatError(
                line or 1,
                _("the file is not XML, or is damaged near column %(column)s of this line.") % {"column": column + 1},
            )
        ]
    except DefusedXmlException:
        return [], [FormatError(1, _("the file declares XML entities, which are not accepted for safety."))]
    if root.tag != "quiz":
        return [], [FormatError(1, _("the file is not Moodle XML: it does not start with <quiz>."))]
    questions, errors, category = [], [], ""
    for element in root.findall("question"):
        line = lines[element]
        kind = element.get("type", "").strip()
        if kind == "category":
            category = gift_category(element.findtext("category/text") or element.findtext("category") or "")
            continue
        if kind not in TYPE_READERS:
            errors.append(FormatError(line, _("type %(type)s is not supported.") % {"type": kind or "?"}))
            continue
        try:
            question = xml_question(element, line, kind)
        except Invalid as error:
            errors.append(FormatError(line, str(error)))
            continue
        question.category = category
        questions.append(question)
    return questions, errors


def text_of(element, path="text"):
    return (element.findtext(path) or "").strip() if element is not None else ""


def format_of(element, default):
    """The bank's name of a text's format; Moodle takes an unknown one for HTML."""
    if element is None or not element.get("format"):
        return default
    return XML_TEXT_FORMATS.get(
        element.get("format").strip(), "moodle" if element.get("format") == "wiki_like" else "html"
    )


def xml_question(element, line, kind):
    notes, images = [], {}
    text_node = element.find("questiontext")
    text_format = format_of(text_node, "html")
    text = xml_rich_text(text_node, text_format, images, notes)
    if not text:
        raise Invalid(_("the question has no text."))
    question = ParsedQuestion(
        line=line,
        text=text,
        name=text_of(element, "name/text"),
        idnumber=text_of(element, "idnumber")[:100],
        general_feedback=xml_rich_text(element.find("generalfeedback"), text_format, images, notes),
        points=points_of(element) if kind != "description" else Decimal(0),
        notes=notes,
        images=images,
        **TYPE_READERS[kind](element, text_format, notes),
    )
    if dropped := not_kept(element, kind):
        question.notes.append(_("not kept from Moodle: %(settings)s.") % {"settings": ", ".join(dropped)})
    return question


def points_of(element):
    value = text_of(element, "defaultgrade") or "1"
    points = points_in(value)
    if points is None:
        raise Invalid(_("the default mark “%(value)s” is not a positive number.") % {"value": value})
    return points


def xml_rich_text(node, default_format, images, notes):
    """A text of the question (its ``<text>`` in its format) as rich text; its pictures go to ``images``."""
    if node is None:
        return ""
    text_format = format_of(node, default_format)
    text = text_of(node)
    if text_format in ("html", "moodle"):
        text = with_image_tokens(text, files_of(node, notes), images, notes)
    elif PLUGINFILE in text:
        notes.append(_("pictures in texts written in Markdown or plain text are not kept."))
    return rich_text(text, text_format)


def files_of(node, notes):
    """The files a text carries: {"/path/name": (name, bytes)}."""
    files = {}
    for element in node.findall("file"):
        name = element.get("name", "")
        path = element.get("path", "/") or "/"
        try:
            content = base64.b64decode("".join((element.text or "").split()), validate=True)
        except (binascii.Error, ValueError):
            notes.append(_("the file %(name)s is damaged; it is not kept.") % {"name": name})
            continue
        files.setdefault(path + name, (name, content))
    return files


def is_picture(name, content):
    if name.rsplit(".", 1)[-1].lower() not in PICTURE_TYPES:
        return False
    try:
        with Image.open(io.BytesIO(content)) as picture:
            picture.verify()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return False
    return True


def with_image_tokens(html, files, images, notes):
    """Each ``<img>`` of a file the text carries as an image embed for Wagtail's converter, whose id is a token
    of ``images``; other pictures are dropped and noted."""
    tokens = {}

    def replace(match):
        attributes = {
            name.lower(): unescape(value.strip("\"'")) for name, value in ATTRIBUTE.findall(match.group(0)[4:])
        }
        source = attributes.get("src", "")
        if not source.startswith(PLUGINFILE + "/"):
            notes.append(_("pictures from outside the file are not kept: %(source)s.") % {"source": source[:80]})
            return ""
        key = unquote(source[len(PLUGINFILE) :].split("?", 1)[0])
        if key not in files or not is_picture(*files[key]):
            notes.append(_("the picture %(name)s is missing from the file or is not a picture.") % {"name": key[1:]})
            return ""
        if key not in tokens:
            tokens[key] = f"moodle-image-{len(images) + 1}"
            images[tokens[key]] = files[key]
        return (
            f'<img data-embedtype="image" data-id="{tokens[key]}" data-format="fullwidth" '
            f'data-alt="{escape(attributes.get("alt", ""))}" alt="{escape(attributes.get("alt", ""))}">'
        )

    return IMG_TAG.sub(replace, html)


def percent(answer):
    """An answer's ``fraction`` attribute: its share of the points in percent."""
    value = (answer.get("fraction") or "0").strip()
    try:
        weight = Decimal(value)
    except InvalidOperation:
        weight = None
    if weight is None or not weight.is_finite() or not -100 <= weight <= 100:
        raise Invalid(
            _("the fraction “%(value)s” of an answer is not a percentage from -100 to 100.") % {"value": value}
        )
    return weight.quantize(WEIGHT_PLACES) if weight.as_tuple().exponent < -5 else weight


def feedback_of(answer, text_format, notes):
    node = answer.find("feedback")
    return answer_text(text_of(node), format_of(node, text_format), notes)


def read_choices(element, text_format, notes):
    """multichoice: ``<single>`` tells one answer from several; blank answers are dropped, as Moodle does."""
    single = (element.findtext("single") if element.find("single") is not None else "true").strip().lower()
    single = single not in ("false", "0", "")
    choices = []
    for answer in element.findall("answer"):
        weight = percent(answer)
        choice = answer_text(text_of(answer), format_of(answer, text_format), notes)
        if choice:
            feedback = feedback_of(answer, text_format, notes)
            choices.append({"text": choice, "correct": weight > 0, "weight": weight, "feedback": feedback})
    if len(choices) < 2:
        raise Invalid(_("a question needs at least two choices."))
    if single:
        if max(choice["weight"] for choice in choices) != 100:
            raise Invalid(_("one of the answers must earn full marks (100%)."))
        for choice in choices:  # kept only where it says more than right or wrong
            choice["weight"] = None if choice["weight"] in (0, 100) else choice["weight"]
        return {"kind": "singlechoicequestion", "choices": choices}
    if round(sum(choice["weight"] for choice in choices if choice["weight"] > 0) / 100, 2) != 1:
        raise Invalid(_("the positive weights of the answers must add up to 100%."))
    return {"kind": "multiplechoicequestion", "choices": choices, "partial_credit": True}


def read_true_false(element, text_format, notes):
    """truefalse: the answer "true" or "false" with fraction 100 is the right one; in old files, whose answers
    are named in the teacher's language, the first is "true" (as Moodle reads them)."""
    answers = element.findall("answer")
    if not answers:
        raise Invalid(_("a true/false question needs its answers “true” and “false”."))
    fields = {"kind": "truefalsequestion", "correct_answer": True, "feedback_true": "", "feedback_false": ""}
    for position, answer in enumerate(answers):
        name = text_of(answer).lower()
        if name not in ("true", "false"):
            name = "true" if position == 0 else "false"
        full = percent(answer) == 100
        fields["correct_answer"] = full if name == "true" else not full
        fields[f"feedback_{name}"] = feedback_of(answer, text_format, notes)[:500]
    return fields


def read_short_answers(element, text_format, notes):
    case = text_of(element, "usecase").lower()
    answers = []
    for answer in element.findall("answer"):
        accepted = text_of(answer)
        if accepted:
            answers.append(
                {"text": accepted, "weight": percent(answer), "feedback": feedback_of(answer, text_format, notes)}
            )
    if not answers or max(answer["weight"] for answer in answers) != 100:
        raise Invalid(_("one of the answers must earn full marks."))
    return {"kind": "shortanswerquestion", "answers": answers, "case_sensitive": case not in ("", "0", "false")}


def decimal_in(text, default=None):
    if not text and default is not None:
        return default
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value.adjusted() >= LARGEST_DIGITS:
        raise Invalid(_("“%(value)s” is not a number.") % {"value": text})
    return value


def read_numbers(element, text_format, notes):
    """numerical: each answer a number ± its tolerance, or "*" for any other answer."""
    answers = []
    for answer in element.findall("answer"):
        value = text_of(answer)
        answers.append(
            {
                "value": None if value in ("", "*") else decimal_in(value),
                "tolerance": abs(decimal_in(text_of(answer, "tolerance"), Decimal(0))),
                "weight": percent(answer),
                "feedback": feedback_of(answer, text_format, notes),
            }
        )
    if not answers or max(answer["weight"] for answer in answers) != 100:
        raise Invalid(_("one of the answers must earn full marks."))
    if units := [text_of(unit, "unit_name") for unit in element.findall("units/unit") if text_of(unit, "unit_name")]:
        notes.append(_("units are not kept (%(units)s): only the number is graded.") % {"units": ", ".join(units)})
    return {"kind": "numericalquestion", "answers": answers}


def read_pairs(element, text_format, notes):
    """matching: each subquestion an item and its match; one without an item adds a wrong match."""
    pairs = []
    for subquestion in element.findall("subquestion"):
        item = answer_text(text_of(subquestion), format_of(subquestion, text_format), notes)
        match = text_of(subquestion, "answer/text")
        if item or match:  # Moodle skips a subquestion with neither
            pairs.append((item, match))
    if sum(1 for item, _match in pairs if item) < 2 or not all(match for _item, match in pairs):
        raise Invalid(_("a matching question needs at least two pairs, each with a match."))
    return {"kind": "matchingquestion", "pairs": pairs}


def plain_field(node, default_format):
    """A text the bank keeps as plain text, its lines kept."""
    if node is None:
        return ""
    text_format = format_of(node, default_format)
    return text_of(node) if text_format == "plain" else plain(rich_text(text_of(node), text_format))


def read_essay(element, text_format, notes):
    return {
        "kind": "essayquestion",
        "answer_template": plain_field(element.find("responsetemplate"), text_format),
        "grading_notes": plain_field(element.find("graderinfo"), text_format),
    }


TYPE_READERS = {
    "multichoice": read_choices,
    "truefalse": read_true_false,
    "shortanswer": read_short_answers,
    "numerical": read_numbers,
    "matching": read_pairs,
    "match": read_pairs,
    "essay": read_essay,
    "description": lambda element, text_format, notes: {"kind": "descriptionquestion"},
}


def not_kept(element, kind):
    """What the question has in Moodle, set otherwise than Moodle's defaults, that the bank has no place for."""
    dropped = []
    try:
        penalty = decimal_in(text_of(element, "penalty"), DEFAULT_PENALTY)
    except Invalid:
        penalty = DEFAULT_PENALTY
    # Moodle fixes the penalty of true/false (100%), essays and descriptions (none): only the others choose it.
    if kind not in PENALTIES and abs(penalty - DEFAULT_PENALTY) >= Decimal("0.005"):
        dropped.append(_("penalty for each try %(penalty)s") % {"penalty": format(penalty.normalize(), "f")})
    if text_of(element, "hidden") not in ("", "0"):
        dropped.append(_("hidden"))
    if hints := [hint for hint in element.findall("hint") if text_of(hint)]:
        dropped.append(_("hints (%(count)s)") % {"count": len(hints)})
    if any(plain(text_of(element, f"{name}/text")) not in ("", default) for name, default in COMBINED_FEEDBACK.items()):
        dropped.append(_("feedback for right, partly right and wrong answers"))
    tags = [text_of(tag) for tag in [*element.findall("tags/tag"), *element.findall("coursetags/tag")]]
    if tags := [tag for tag in tags if tag]:
        dropped.append(_("tags %(tags)s") % {"tags": ", ".join(tags)})
    if kind == "multichoice" and text_of(element, "answernumbering") not in ("", "abc"):
        dropped.append(_("answer numbering %(numbering)s") % {"numbering": text_of(element, "answernumbering")})
    if kind == "essay" and text_of(element, "attachments") not in ("", "0"):
        dropped.append(_("attachments"))
    return dropped


# Writing

MOODLE_TYPES = {model._meta.model_name: model.moodle_type for model in QUESTION_TYPES}
EMBED_TAG = re.compile(r"<embed\b([^>]*?)/?>", re.IGNORECASE)
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def text_xml(value):
    """``<text>`` of a value, in CDATA when it has markup (as Moodle writes it)."""
    value = NOT_XML.sub("", str(value))
    if re.search(r"[<>&]", value):
        value = "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"
    return f"<text>{value}</text>"


def image_file(image_id):
    """(file name, bytes) of the Wagtail image ``image_id``, or None when it is gone."""
    image_id = parse_id(str(image_id))
    image = None if image_id is None else get_image_model().objects.filter(pk=image_id).first()
    if image is None:
        return None
    try:
        with image.file.open("rb") as file:
            return os.path.basename(image.file.name), file.read()
    except (OSError, ValueError):
        return None


def exported_html(rich):
    """Rich text as HTML for Moodle: each image embed an ``<img>`` of a file carried with the text.
    Returns (html, {file name: bytes}, whether every image was found)."""
    files, complete = {}, True

    def replace(match):
        nonlocal complete
        attributes = extract_attrs(match.group(1))
        if attributes.get("embedtype") != "image":
            return match.group(0)
        found = image_file(attributes.get("id", ""))
        if found is None:
            complete = False
            return ""
        name, content = found
        if files.get(name, content) != content:
            name = f"{attributes['id']}-{name}"
        files[name] = content
        return f'<img src="{PLUGINFILE}/{quote(name)}" alt="{escape(attributes.get("alt", ""))}">'

    html = expand_db_html(EMBED_TAG.sub(replace, rich or "")) if rich else ""
    return html, files, complete


def rich_text_xml(tag, rich):
    html, files, complete = exported_html(rich)
    carried = "".join(
        f'<file name="{escape(name)}" path="/" encoding="base64">{base64.b64encode(content).decode()}</file>'
        for name, content in files.items()
    )
    return f'    <{tag} format="html">{text_xml(html)}{carried}</{tag}>', complete


def answer_xml(fraction, text, feedback="", extra=""):
    return (
        f'    <answer fraction="{weight_text(fraction)}" format="plain_text">{text_xml(text)}'
        f'<feedback format="plain_text">{text_xml(feedback)}</feedback>{extra}</answer>'
    )


def choices_xml(question):
    """multichoice; weights as Moodle's fractions. All-or-nothing has no Moodle equivalent: each right
    choice is written with its share and each wrong one with -100, and the question is returned as changed."""
    single = question._meta.model_name == "singlechoicequestion"
    if single or question.partial_credit:
        fractions = {choice_id: fraction * 100 for choice_id, fraction in question.fractions().items()}
    else:
        right = max(1, len(question.correct_ids()))
        fractions = {
            choice.id: Decimal(100) / right if choice.value["correct"] else Decimal(-100) for choice in question.choices
        }
    lines = [
        f"    <single>{'true' if single else 'false'}</single>",
        "    <shuffleanswers>true</shuffleanswers>",
        "    <answernumbering>abc</answernumbering>",
        *(
            answer_xml(fractions[choice.id], choice.value["text"], choice.value["feedback"] or "")
            for choice in question.choices
        ),
    ]
    exact = single or question.partial_credit
    return lines, None if exact else _("all or nothing is not in Moodle: each wrong choice is written as -100%")


def true_false_xml(question):
    return [
        answer_xml(100 if question.correct_answer else 0, "true", question.feedback_true),
        answer_xml(0 if question.correct_answer else 100, "false", question.feedback_false),
    ], None


def short_answers_xml(question):
    """shortanswer; Moodle cannot ignore accents, so such a question is not written exactly."""
    return [
        f"    <usecase>{int(question.case_sensitive)}</usecase>",
        *(
            answer_xml(item.value["weight"], item.value["text"], item.value["feedback"] or "")
            for item in question.answers
        ),
    ], _("Moodle does not ignore accents: its answers must be typed with them") if question.ignore_accents else None


def numbers_xml(question):
    return [
        answer_xml(
            item.value["weight"],
            "*" if item.value["value"] is None else number_text(item.value["value"]),
            item.value["feedback"] or "",
            f"<tolerance>{number_text(item.value['tolerance'] or 0)}</tolerance>",
        )
        for item in question.answers
    ], None


def pairs_xml(question):
    return [
        "    <shuffleanswers>true</shuffleanswers>",
        *(
            f'    <subquestion format="plain_text">{text_xml(pair.value["prompt"] or "")}'
            f"<answer>{text_xml(pair.value['match'])}</answer></subquestion>"
            for pair in question.pairs
        ),
    ], None


def essay_xml(question):
    return [
        "    <responseformat>editor</responseformat>",
        "    <responserequired>1</responserequired>",
        "    <responsefieldlines>15</responsefieldlines>",
        "    <attachments>0</attachments>",
        "    <attachmentsrequired>0</attachmentsrequired>",
        f'    <graderinfo format="plain_text">{text_xml(question.grading_notes)}</graderinfo>',
        f'    <responsetemplate format="plain_text">{text_xml(question.answer_template)}</responsetemplate>',
    ], None


TYPE_WRITERS = {
    "singlechoicequestion": choices_xml,
    "multiplechoicequestion": choices_xml,
    "truefalsequestion": true_false_xml,
    "shortanswerquestion": short_answers_xml,
    "numericalquestion": numbers_xml,
    "matchingquestion": pairs_xml,
    "essayquestion": essay_xml,
    "descriptionquestion": lambda question: ([], None),
}


def question_xml(question):
    """The ``<question>`` of a question of the bank, and what Moodle does not get of it exactly (None: nothing)."""
    kind = question._meta.model_name
    moodle_type = MOODLE_TYPES[kind]
    text, text_complete = rich_text_xml("questiontext", question.text)
    feedback, feedback_complete = rich_text_xml("generalfeedback", question.general_feedback)
    lines, changed = TYPE_WRITERS[kind](question)
    penalty = PENALTIES.get(moodle_type, DEFAULT_PENALTY)
    xml = [
        f"  <!-- question: {question.pk} -->",
        f'  <question type="{moodle_type}">',
        f"    <name>{text_xml(question.name)}</name>",
        text,
        feedback,
        f"    <defaultgrade>{number_text(0 if kind == 'descriptionquestion' else question.points)}</defaultgrade>",
        f"    <penalty>{penalty}</penalty>",
        "    <hidden>0</hidden>",
        f"    <idnumber>{escape(NOT_XML.sub('', question.idnumber), quote=False)}</idnumber>",
        *lines,
        "  </question>",
    ]
    if not (text_complete and feedback_complete):
        changed = _("a picture it showed is no longer in the bank and is left out")
    return xml, changed


def category_xml(path):
    return [
        '  <question type="category">',
        f"    <category>{text_xml('$course$/top/' + path)}</category>",
        '    <info format="html"><text></text></info>',
        "  </question>",
    ]


def write_moodle_xml(root):
    """The active questions of ``root`` and of the categories inside it as Moodle XML, and [(question, what
    Moodle does not get of it)]: all-or-nothing multiple choice, answers that ignore accents, pictures gone."""
    lines, changed, current = ['<?xml version="1.0" encoding="UTF-8"?>', "<quiz>"], [], ""
    for path, question in root.questions_below():
        if path != current:
            current = path
            lines += category_xml(current)
        xml, reason = question_xml(question)
        lines += xml
        if reason:
            changed.append((question, reason))
    lines.append("</quiz>")
    return ("\n".join(lines) + "\n").encode(), changed
