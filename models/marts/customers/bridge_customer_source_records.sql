{#
    From each customer to every source record that belongs to it (one row per
    record that went through identity resolution).
#}

with

records as (

    select * from {{ ref('int_identity_records_unioned') }}

),

assignments as (

    select * from {{ ref('int_identity_customer_ids_assigned') }}

),

final as (

    select
        assignments.customer_id,
        records.record_key,
        records.source_table,
        records.source_record_id,
        records.observed_at
    from records
    inner join assignments
        on records.record_key = assignments.record_key

)

select * from final
