"""Admin pages for the stand-in courseware, so an operator can inspect what the demo recorded."""

from django.contrib import admin

from .models import (
    Course,
    CourseAccessRole,
    CourseBlock,
    Enrollment,
    GeneratedCertificate,
    PersistentCourseGrade,
    ProblemScore,
)


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("course_key", "display_name", "passing_grade")


@admin.register(CourseBlock)
class CourseBlockAdmin(admin.ModelAdmin):
    list_display = ("usage_key", "block_type", "display_name", "graded", "position")
    list_filter = ("course", "block_type")


@admin.register(ProblemScore)
class ProblemScoreAdmin(admin.ModelAdmin):
    list_display = ("user", "block", "earned", "possible", "modified")


@admin.register(CourseAccessRole)
class CourseAccessRoleAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "course_id", "org")


@admin.register(PersistentCourseGrade)
class PersistentCourseGradeAdmin(admin.ModelAdmin):
    list_display = ("user", "course", "percent_grade", "letter_grade", "passed_timestamp")


@admin.register(GeneratedCertificate)
class GeneratedCertificateAdmin(admin.ModelAdmin):
    list_display = ("user", "course", "mode", "status", "grade")


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ("user", "course", "mode", "is_active")
