{#
    int_customer_records_assigned, and bridge_customer_source_records which
    copies it, are built by version (macros/incremental/rows_by_version.sql):
    this file says what their versions are, in the pre-hook's terms.
#}

{% macro assigned_record_versions(record_filter='true') %}
    {#- The version of every row of int_customer_records_assigned, as a
        parenthesised query: when its record's row was written (built_at of
        int_identity_records_unioned) and the customer id the record belongs
        to, with when that id was created. The model stores the same on each
        row; a record without an id has no row and no version.
        `record_filter`: a predicate on an unqualified record_key. -#}
    (
        select
            records.record_key,
            records.built_at as record_built_at,
            assignments.customer_id,
            assignments.customer_id_created_at
        from (
            select record_key, built_at
            from {{ ref('int_identity_records_unioned') }}
            where {{ record_filter }}
        ) as records
        inner join {{ ref('int_identity_customer_ids_assigned') }} as assignments
            on records.record_key = assignments.record_key
    )
{%- endmacro %}


{% macro assigned_records_changed_since_built() %}
    {#- The changes (macros/incremental/changes_since_built.sql) for
        int_customer_records_assigned's pre-hook: the records written or
        deleted since the model last wrote, and those whose customer id was
        assigned since. Assignments are only ever written again, never
        deleted (int_identity_customer_ids_assigned keeps every id), so their
        stamp is their whole record of changes. Complete while the records'
        log covers that time. -#}
    {%- set records = ref('int_identity_records_unioned') -%}
    {%- set since = customer360.latest_stamp(this, 'built_at') -%}
    {%- set changed_records -%}
        {{ customer360.written_or_deleted_since(records, ['record_key'], since) }}
        union
        select record_key from {{ ref('int_identity_customer_ids_assigned') }} where assigned_at > {{ since }}
    {%- endset -%}
    {{ return({
        'keys': changed_records,
        'versions': customer360.assigned_record_versions(customer360.is_changed_key(['record_key'])),
        'complete': customer360.deletion_log_covers(records, since),
    }) }}
{%- endmacro %}


{% macro bridge_version_columns() %}
    {#- What a bridge row is copied from, besides its record: the customer and
        when the record was observed (as text, never null, so that versions
        compare by plain equality). -#}
    {{- return({
        'customer_id': 'customer_id',
        'observed_at_version': "coalesce(cast(observed_at as " ~ dbt.type_string() ~ "), '')",
    }) -}}
{% endmacro %}


{% macro bridge_record_versions(record_filter='true') %}
    {#- The version of every row of bridge_customer_source_records, as a
        parenthesised query: bridge_version_columns' expressions over
        int_customer_records_assigned, whose columns the bridge copies under
        the same names. `record_filter`: a predicate on an unqualified
        record_key. -#}
    (
        select
            record_key,
            {%- for name, expression in customer360.bridge_version_columns().items() %}
            {{ expression }} as {{ name }}{{ ',' if not loop.last }}
            {%- endfor %}
        from {{ ref('int_customer_records_assigned') }}
        where {{ record_filter }}
    )
{%- endmacro %}


{% macro bridge_records_changed_since_built() %}
    {#- The changes (macros/incremental/changes_since_built.sql) for
        bridge_customer_source_records' pre-hook: the records that
        int_customer_records_assigned wrote or deleted since the bridge last
        wrote. Complete while that model's deletion log covers the time. -#}
    {%- set assigned_records = ref('int_customer_records_assigned') -%}
    {%- set since = customer360.latest_stamp(this, 'built_at') -%}
    {{ return({
        'keys': customer360.written_or_deleted_since(assigned_records, ['record_key'], since),
        'versions': customer360.bridge_record_versions(customer360.is_changed_key(['record_key'])),
        'complete': customer360.deletion_log_covers(assigned_records, since),
    }) }}
{%- endmacro %}
