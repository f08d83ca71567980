"""All SQL lives here: the connection, migrations, one module per aggregate, report read models."""
