{#
    How dbt-duckdb creates a model's table, with one choice added: a model
    whose meta says `compress_text: false` stores its text columns
    uncompressed (`using compression uncompressed`, declared per column).

    DuckDB compresses each text column as it writes it (dictionary and FSST).
    The identity and golden-record chain paid that on every table, each read
    once or twice by the next model and its tests and rebuilt by the next run:
    about a fifth of the step's CPU at 1,000,000 customers (the unpivoted
    identifiers alone took 9.4 and 10.5 CPU s written plain, 16.5 and 18.8
    compressed, and were read back as fast; docs/benchmark-notes.md).
    The price is disk: at 1,000,000 customers the chain's tables take 7.0 GiB
    instead of 2.6. The marts, and the state that outlives a run (the
    customer-id memory and its log), stay compressed. A machine short of disk
    sets `compress_text: true` in dbt_project.yml and pays the CPU instead.

    Declared per column, not set for the database: DuckDB's
    `disabled_compression_methods` belongs to the whole instance, and dbt
    builds two models at once, so a setting made for one would change how the
    other is written. Numbers and dates keep their compression: it is cheap.
    The column types are DuckDB's own, read with `describe` from the query, so
    the table is exactly what `create table as` would have made. Temporary
    tables (an incremental run's new rows), contracted models and models with
    a `sql_header` (which `describe` would not see) keep the adapter's path;
    an incremental model's later rows go into the table created here and are
    stored as its columns say.
#}
{% macro duckdb__create_table_as(temporary, relation, compiled_code, language='sql', partitioned_by=none, sorted_by=none) -%}
    {%- set contract = config.get('contract') -%}
    {%- if language == 'sql' and not temporary and not (contract and contract.enforced)
        and not partitioned_by and not sorted_by and config.get('sql_header') is none
        and not is_text_compressed() -%}
        {{ create_table_with_plain_text_as(relation, compiled_code) }}
    {%- else -%}
        {{ dbt.duckdb__create_table_as(temporary, relation, compiled_code, language, partitioned_by, sorted_by) }}
    {%- endif -%}
{%- endmacro %}

{% macro create_table_with_plain_text_as(relation, compiled_code) -%}
    {%- set columns = run_query('describe ' ~ compiled_code) -%}
    create table {{ relation }} (
        {%- for column in columns %}
        {{ adapter.quote(column['column_name']) }} {{ column['column_type'] }}
        {%- if column['column_type'] == 'VARCHAR' %} using compression uncompressed{% endif %}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    );
    insert into {{ relation }}
    select * from (
        {{ compiled_code }}
    ) as model_subq;
{%- endmacro %}

{% macro is_text_compressed() -%}
    {%- set meta = config.get('meta') or {} -%}
    {%- set compress_text = meta.get('compress_text', true) -%}
    {%- if compress_text not in [true, false] -%}
        {{ exceptions.raise_compiler_error(
            "meta compress_text of " ~ model.name ~ " must be true or false; it is '" ~ compress_text ~ "'"
        ) }}
    {%- endif -%}
    {{ return(compress_text) }}
{%- endmacro %}
