{#
    int_customer_records_assigned is built by version
    (macros/incremental/rows_by_version.sql): this file says what its version
    is, in the pre-hook's terms.
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
        select record_key from {{ records }} where built_at > {{ since }}
        union
        {{ customer360.deletions_since(records, ['record_key'], since) }}
        union
        select record_key from {{ ref('int_identity_customer_ids_assigned') }} where assigned_at > {{ since }}
    {%- endset -%}
    {{ return({
        'keys': changed_records,
        'versions': customer360.assigned_record_versions(customer360.is_changed_key(['record_key'])),
        'complete': customer360.deletion_log_covers(records, since),
    }) }}
{%- endmacro %}
