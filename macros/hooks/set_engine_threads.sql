{#
    on-run-start hook (see dbt_project.yml): how many threads the engine gives
    one query, for this invocation.

    DuckDB gives every query one thread per core, and dbt runs `threads`
    models at once. Where a layer is many independent models (staging, the
    marts), two models on two threads each keep four workers busy on a
    two-core machine, and the switching costs CPU time: the staging layer at
    1,000,000 customers took 49 to 50 s with one DuckDB thread per model
    against 53 to 54 s with two (docs/benchmark.md). Where the models form a
    chain (identity resolution) one model runs at a time and needs every core.
    So the caller says, per invocation, through C360_DUCKDB_THREADS.

    The setting belongs to the whole database instance, which dbt-duckdb keeps
    between invocations in one process (the pipeline): so the hook always
    says something, and unset means the engine's default again. It is read
    only when running, never while parsing, so that changing it does not make
    dbt parse the project again. A profile's `settings` are no place for it:
    dbt-duckdb applies them again for every node.
#}
{% macro set_engine_threads() -%}
    {{ return(adapter.dispatch('set_engine_threads', 'customer360')()) }}
{%- endmacro %}

{# PostgreSQL and Spark size their own workers per query. #}
{% macro default__set_engine_threads() -%}
    {{ return('') }}
{%- endmacro %}

{% macro duckdb__set_engine_threads() -%}
    {%- if execute -%}
        {%- set requested = env_var('C360_DUCKDB_THREADS', '') | trim -%}
        {%- if requested == '' -%}
            reset threads
        {%- elif modules.re.fullmatch('[1-9][0-9]{0,3}', requested) -%}
            set threads = {{ requested }}
        {%- else -%}
            {{ exceptions.raise_compiler_error(
                "C360_DUCKDB_THREADS must be a whole number of DuckDB threads per query, from 1, "
                ~ "or unset for one per core; it is '" ~ requested ~ "'"
            ) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
