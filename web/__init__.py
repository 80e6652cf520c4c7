"""The Flask web app, by the tutorial's book: ``create_app`` builds and configures it, extensions
are bound with ``init_app``, each area is a blueprint, deployment settings live in the instance
folder and environment variables."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from flask import Flask

from . import config as settings
from .faults import App


def create_app(config: dict[str, Any] | None = None) -> Flask:
    root = Path(__file__).resolve().parent
    instance = os.environ.get("CHECKLIST_INSTANCE_PATH")
    app = App(__name__, instance_relative_config=True, instance_path=instance)
    app.config.from_mapping(settings.DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(settings.from_environment())
    if config:
        app.config.update(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = settings.ensure_secret_key(app.instance_path)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(root.parent / "translations"))
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
        logging.getLogger("alembic").setLevel(logging.WARNING)

    from . import access, i18n, jobs, security, templating
    from .extensions import babel, csrf, db, limiter, login_manager

    db.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    security.init_app(app)
    app.context_processor(i18n.template_context)
    access.init_app(app)  # ``can(rule, response)`` in templates
    templating.init_app(app)
    jobs.init_app(app)  # the job queue (RQ on Redis), or threads of this process when none answers

    from . import admin, analysis, auth, dashboard, data, fill, health, providers, repository, review, states
    from .profiles import bp as profiles_bp

    app.register_blueprint(auth.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(states.bp)
    app.register_blueprint(providers.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(fill.bp)
    app.register_blueprint(data.bp)
    app.register_blueprint(analysis.bp)
    analysis.aggregates.init_app(app)  # figures across States counted again after each step
    app.register_blueprint(repository.bp)
    app.register_blueprint(review.bp)
    app.register_blueprint(profiles_bp)
    app.register_blueprint(health.bp)
    # -- e-mail (outbox, notifications, preferences, delivery log) and deadlines --
    from . import deadlines, mail

    mail.init_app(app)
    from . import evidence

    evidence.init_app(app)
    from . import transfer

    app.register_blueprint(transfer.bp)
    deadlines.init_app(app)
    # -- technical assistance: needs matched to offers, focal points (issue 15) --
    from . import assistance

    assistance.init_app(app)
    from . import api

    app.register_blueprint(api.bp)
    from . import reviews  # review cycles: reviewing States, threads, timeline, report

    reviews.init_app(app)
    if app.config.get("PRELOAD_QUESTIONNAIRES"):
        _preload(app)
    return app


def _preload(app: Flask) -> None:
    """Do in the master what every worker would otherwise do on its first requests (gunicorn forks
    the workers from here, so they start with it done): load the published questionnaires with
    their pages, evaluation plan and side-navigation entries in every language, load the message
    catalogs and compile the templates. Without it each new worker spends seconds of CPU on its
    first requests, several threads at once, while users wait."""
    from flask import g
    from flask_babel import force_locale, get_translations
    from sqlalchemy.exc import SQLAlchemyError

    import engine

    from . import catalog
    from .extensions import db
    from .fill.navtexts import nav_texts

    with app.app_context():
        try:
            loaded = [catalog.questionnaire(version) for version in catalog.current_versions()]
        except SQLAlchemyError:
            loaded = []
            logging.getLogger("web").warning("questionnaires not preloaded: the database is not ready")
        for q in loaded:
            engine.evaluate(q, {})  # builds the evaluation plan, kept with the questionnaire
        for lang in app.config["LANGUAGES"]:
            with app.test_request_context(), force_locale(lang):
                g._lang = lang
                get_translations()
                for q in loaded:
                    nav_texts(q)
    for name in app.jinja_env.list_templates(filter_func=lambda name: name.endswith((".html", ".txt", ".xml"))):
        app.jinja_env.get_template(name)
    db.dispose(app)  # workers forked from here open their own connections
