{#
    How a model's descriptions reach DuckDB's catalog (`persist_docs` in
    dbt_project.yml), writing only the comments that differ from those
    already stored.

    dbt's own version reads the relation's columns twice (once itself, once
    in the adapter's column-comment macro) and writes every comment again
    after every build: four statements a model, each with dbt's work around
    it, although an incremental model or a view kept from yesterday already
    carries every comment and they change only with the project. Here one
    query reads the stored comments (the relation's and its columns') and
    one statement writes what differs, or none is run. A table rebuilt whole
    has no comments yet and gets them all, as before.

    Documented columns the relation lacks are reported as dbt reports them.
    Unquoted names match whatever their case, quoted ones exactly.
#}
{% macro duckdb__persist_docs(relation, model, for_relation, for_columns) -%}
    {%- set relation_wanted = for_relation and config.persist_relation_docs() and model.description -%}
    {%- set columns_wanted = for_columns and config.persist_column_docs() and model.columns -%}
    {%- if not (relation_wanted or columns_wanted) -%}
        {{ return(none) }}
    {%- endif -%}

    {%- set stored = run_query(stored_comments_sql(relation)) -%}
    {%- set found = namespace(kind=none, comment=none) -%}
    {%- set column_comments = {} -%}
    {%- for row in stored -%}
        {%- if row['column_name'] is none -%}
            {%- set found.kind = row['relation_kind'] -%}
            {%- set found.comment = row['comment'] -%}
        {%- else -%}
            {%- do column_comments.update({row['column_name']: row['comment']}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if found.kind is none -%}
        {{ exceptions.raise_compiler_error("persist_docs: " ~ relation ~ " is not in DuckDB's catalog") }}
    {%- endif -%}

    {%- set statements = [] -%}
    {%- if relation_wanted and found.comment != model.description -%}
        {%- do statements.append(
            'comment on ' ~ found.kind ~ ' ' ~ relation ~ ' is ' ~ customer360.quoted_text_literal(model.description)
        ) -%}
    {%- endif -%}
    {%- if columns_wanted -%}
        {%- set stored_names_by_lower = {} -%}
        {%- for name in column_comments -%}
            {%- do stored_names_by_lower.update({name | lower: name}) -%}
        {%- endfor -%}
        {%- set missing = [] -%}
        {%- for documented_name, column in model.columns.items() -%}
            {%- set stored_name = documented_name if column['quote'] else stored_names_by_lower.get(
                documented_name | lower) -%}
            {%- if stored_name is none or stored_name not in column_comments -%}
                {%- do missing.append(documented_name) -%}
            {%- elif (column_comments[stored_name] or '') != (column['description'] or '') -%}
                {%- do statements.append(
                    'comment on column ' ~ relation ~ '.' ~ adapter.quote(stored_name)
                    ~ ' is ' ~ customer360.quoted_text_literal(column['description'])
                ) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if missing -%}
            {%- do exceptions.warn(
                "In relation " ~ relation.render() ~ ": The following columns are specified in the schema but are"
                ~ " not present in the database: " ~ missing | join(", ")
            ) -%}
        {%- endif -%}
    {%- endif -%}

    {%- if statements -%}
        {%- do run_query(statements | join(';\n') ~ ';') -%}
    {%- endif -%}
{%- endmacro %}

{#- the relation's own comment (column_name null) and each column's, with the relation's kind -#}
{% macro stored_comments_sql(relation) -%}
    with wanted as (
        select
            {{ customer360.quoted_text_literal(relation.database) }} as database_name,
            {{ customer360.quoted_text_literal(relation.schema) }} as schema_name,
            {{ customer360.quoted_text_literal(relation.identifier) }} as relation_name
    ),

    stored_relation as (
        select 'table' as relation_kind, tables.database_name, tables.schema_name, tables.table_name as relation_name,
            tables.comment
        from duckdb_tables() as tables
        union all
        select 'view', views.database_name, views.schema_name, views.view_name, views.comment
        from duckdb_views() as views
    ),

    found as (
        select stored_relation.*
        from stored_relation
        inner join wanted using (database_name, schema_name, relation_name)
    )

    select relation_kind, cast(null as varchar) as column_name, comment
    from found
    union all
    select found.relation_kind, columns.column_name, columns.comment
    from found
    inner join duckdb_columns() as columns
        on columns.database_name = found.database_name and columns.schema_name = found.schema_name
        and columns.table_name = found.relation_name
{%- endmacro %}
