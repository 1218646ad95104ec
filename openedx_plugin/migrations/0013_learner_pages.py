# The learner's pages (issue 18): the expiry notice marker and the public profile.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import openedx_plugin.models


class Migration(migrations.Migration):

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('openedx_badges', '0012_course_team'),
    ]

    operations = [
        migrations.AddField(
            model_name='award',
            name='expiry_notified_at',
            field=models.DateTimeField(blank=True, editable=False, help_text='When the learner was emailed that this badge expires soon; empty until then.', null=True),
        ),
        migrations.CreateModel(
            name='LearnerProfile',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('slug', models.SlugField(default=openedx_plugin.models._profile_slug, help_text="The last part of the public page's address.", max_length=40, unique=True)),
                ('public', models.BooleanField(default=False, help_text='Anyone with the link sees the badges the learner made public.')),
                ('headline', models.CharField(blank=True, help_text='A line shown under the name.', max_length=120)),
                ('show_name', models.BooleanField(default=False, help_text="Show the learner's name on the page.")),
                ('modified', models.DateTimeField(auto_now=True)),
                ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='openedx_badges_profile', to=settings.AUTH_USER_MODEL)),
            ],
        ),
    ]
