import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('openedx_badges', '0008_security_round_two'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AwardTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('awarded', models.PositiveBigIntegerField(default=0)),
                ('up_to_id', models.PositiveBigIntegerField(default=0, help_text='Awards with ids up to this one are counted.')),
                ('updated', models.DateTimeField(auto_now=True)),
            ],
        ),
        migrations.CreateModel(
            name='BusEventOutbox',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('event_type', models.CharField(max_length=255)),
                ('event_time', models.DateTimeField(help_text='When the event happened; a retry keeps this time.')),
                ('attempts', models.PositiveIntegerField(default=1)),
                ('last_error', models.TextField(blank=True)),
                ('created', models.DateTimeField(auto_now_add=True)),
                ('sent_at', models.DateTimeField(blank=True, db_index=True, null=True)),
            ],
            options={
                'verbose_name': 'event bus outbox entry',
                'verbose_name_plural': 'event bus outbox',
            },
        ),
        migrations.CreateModel(
            name='AwardOverview',
            fields=[
            ],
            options={
                'verbose_name': 'overview',
                'verbose_name_plural': 'overview: awards, revocations and pushes',
                'proxy': True,
                'indexes': [],
                'constraints': [],
            },
            bases=('openedx_badges.award',),
        ),
        migrations.AddIndex(
            model_name='award',
            index=models.Index(fields=['created'], name='openedx_badges_award_created'),
        ),
        migrations.AddIndex(
            model_name='award',
            index=models.Index(fields=['revoked', 'revoked_at', 'badge_class'], name='openedx_badges_award_revoked'),
        ),
        migrations.AddIndex(
            model_name='pushattempt',
            index=models.Index(fields=['provider', 'status'], name='openedx_badges_push_dest'),
        ),
        migrations.AddField(
            model_name='awardtally',
            name='badge_class',
            field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='openedx_badges.badgeclass'),
        ),
        migrations.AddField(
            model_name='buseventoutbox',
            name='award',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='openedx_badges.award'),
        ),
    ]
