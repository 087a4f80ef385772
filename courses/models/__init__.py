from .pages import CourseIndexPage

__all__ = ["CourseIndexPage"]
