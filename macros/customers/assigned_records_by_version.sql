{#
    int_customer_records_assigned is built by version
    (macros/incremental/rows_by_version.sql): this file says what its version
    is, in the pre-hook's terms.
#}

{% macro assigned_record_versions() %}
    {#- The version of every row of int_customer_records_assigned, as a
        parenthesised query: when its record's row was written (built_at of
        int_identity_records_unioned) and the customer id the record belongs
        to, with when that id was created. The model stores the same on each
        row; a record without an id has no row and no version. -#}
    (
        select
            records.record_key,
            records.built_at as record_built_at,
            assignments.customer_id,
            assignments.customer_id_created_at
        from {{ ref('int_identity_records_unioned') }} as records
        inner join {{ ref('int_identity_customer_ids_assigned') }} as assignments
            on records.record_key = assignments.record_key
    )
{%- endmacro %}
