{#
    From each customer to every source record that belongs to it (one row per
    record that went through identity resolution).
#}

with

customer_records as (

    select * from {{ ref('int_customer_records_assigned') }}

),

final as (

    select
        customer_id,
        record_key,
        source_table,
        source_record_id,
        observed_at
    from customer_records

)

select * from final
