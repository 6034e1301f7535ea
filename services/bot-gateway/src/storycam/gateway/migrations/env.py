from storycam.kit.migrations import run_alembic_env

run_alembic_env()
