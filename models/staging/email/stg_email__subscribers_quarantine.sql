{{ config(schema='quarantine', tags=['quarantine']) }}

with

source as (

    select * from {{ source('email', 'subscribers') }}

),

base_subscribers as (

    select * from {{ ref('base_email__subscribers') }}

),

final as (

    {#- The raw values exactly as delivered, so that the row can be inspected and repaired. -#}
    select
        'email' as source_name,
        'email_subscribers' as table_name,
        base_subscribers.subscriber_id as record_id,
        base_subscribers.quarantine_reason,
        source._batch_id,
        source._row_number,
        source._loaded_at,
        source.subscriber_id,
        source.email,
        source.first_name,
        source.last_name,
        source.subscription_status,
        source.signup_source,
        source.subscribed_at,
        source.unsubscribed_at,
        source.updated_at
    from source
    inner join base_subscribers
        on
            source._batch_id = base_subscribers._batch_id
            and source._row_number = base_subscribers._row_number
    where
        base_subscribers.quarantine_reason is not null
        and not base_subscribers.is_exact_duplicate

)

select * from final
