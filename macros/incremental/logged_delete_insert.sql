{#
    An incremental strategy, `logged_delete+insert`: dbt's delete+insert,
    which first writes the rows it is about to replace to the model's
    deletion log (macros/incremental/changes_since_built.sql). dbt's own
    strategy deletes the rows of every key the build writes again and leaves
    no trace of what they held, so a reader of the model could not tell, say,
    which customer a rewritten touch belonged to before. The model names the
    logged columns in `meta.deletion_log_columns` and starts its log in a
    pre-hook (start_deletion_log); rows whose first logged column is null are
    not logged (a null there marks the log's start row).
#}

{% macro get_incremental_logged_delete_insert_sql(arg_dict) %}
    {%- set logged_columns = customer360.model_deletion_log_columns() -%}
    {%- set unique_key = arg_dict['unique_key'] -%}
    {%- set key_columns = [unique_key] if unique_key is string else unique_key -%}
    {{ customer360.log_deleted_rows(
        arg_dict['target_relation'],
        logged_columns,
        '(' ~ (key_columns | join(', ')) ~ ') in (select ' ~ (key_columns | join(', ')) ~ ' from '
            ~ arg_dict['temp_relation'] ~ ')',
    ) }};
    {{ get_incremental_delete_insert_sql(arg_dict) }}
{%- endmacro %}


{% macro model_deletion_log_columns() %}
    {#- The columns the model being built logs for its readers, from its
        `meta.deletion_log_columns`; a clear stop when it names none. While
        dbt parses the project, hooks are rendered before the model's config
        is complete and their SQL is never run: a stand-in then. -#}
    {%- set logged_columns = (config.get('meta') or {}).get('deletion_log_columns') -%}
    {%- if not execute -%}
        {{- return(logged_columns or ['logged_column']) -}}
    {%- endif -%}
    {%- if not logged_columns -%}
        {{ exceptions.raise_compiler_error(
            model.name ~ " keeps a deletion log (its incremental strategy or a hook says so) but names no "
            ~ "columns to log: set meta: {deletion_log_columns: [...]} in its config"
        ) }}
    {%- endif -%}
    {{- return(logged_columns) -}}
{%- endmacro %}


{% macro log_deleted_rows(relation, logged_columns, condition) %}
    {#- Writes the logged columns of the rows of `relation` passing
        `condition` (a predicate on its unqualified columns), about to be
        deleted, to its deletion log, stamped with this run. -#}
    insert into {{ customer360.deletion_log(relation) }} ({{ logged_columns | join(', ') }}, deleted_at)
    select distinct
        {%- for column in logged_columns %}
        cast({{ column }} as {{ dbt.type_string() }}),
        {%- endfor %}
        {{ customer360.run_started_at_second() }}
    from {{ relation }}
    where
        {{ logged_columns[0] }} is not null
        and {{ condition }}
{%- endmacro %}


{% macro delete_logged(condition) %}
    {#- Deletes the rows of the model being built passing `condition` (a
        predicate on its columns), after writing them to its deletion log
        when it keeps one (`meta.deletion_log_columns`). -#}
    {%- if (config.get('meta') or {}).get('deletion_log_columns') %}
    {{ customer360.log_deleted_rows(this, customer360.model_deletion_log_columns(), condition) }};
    {%- endif %}
    delete from {{ this }}
    where {{ condition }}
{%- endmacro %}
