"""The Flask extension instances, created unbound and initialised by create_app."""

from typing import TYPE_CHECKING

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase, Session

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ForumSQLAlchemy(SQLAlchemy):
    """Flask-SQLAlchemy, with its session typed as what the services take.

    At run time ``db.session`` is a ``scoped_session``: a proxy that hands every call to
    the plain ``sqlalchemy.orm.Session`` of the current app context. The services are
    typed with that ``Session``, so for the type checker ``session`` is declared as one,
    here and only here, rather than at each call that passes ``db.session`` along.
    """

    if TYPE_CHECKING:
        # The proxy is not a Session subclass, but it forwards every Session method.
        session: Session  # type: ignore[assignment]


db = ForumSQLAlchemy(model_class=Base)

# The models' base class. ``db.Model`` is built at run time from ``Base`` (adding
# Flask-SQLAlchemy's bind and query mixins), and a type checker cannot use an
# attribute of an instance as a base class, so it is told the model base is ``Base``.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model

# Tables the migrations make but no model describes (the PostgreSQL search backend's
# documents, forum/search/postgres.py): `flask db migrate` must not offer to drop them.
UNMODELLED_TABLES = frozenset({"search_documents"})


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's filter: leave the unmodelled tables (and their indexes) out of comparisons."""
    table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    return table not in UNMODELLED_TABLES


migrate = Migrate(render_as_batch=True, compare_type=True, include_object=include_object)
login_manager = LoginManager()
csrf = CSRFProtect()
socketio = SocketIO()
limiter = Limiter(key_func=get_remote_address)
