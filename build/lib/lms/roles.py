"""The roles of the site, kept as Django groups (created by migration lms 0002)."""

LEARNER = "Học viên"
TRAINER = "Giảng viên"
ORGANISER = "Ban tổ chức"

ALL_ROLES = (LEARNER, TRAINER, ORGANISER)
