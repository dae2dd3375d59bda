with

base_subscribers as (

    select * from {{ ref('base_email__subscribers') }}

),

final as (

    select
        subscriber_id,
        email,
        email_as_given,
        first_name,
        last_name,
        subscription_status,
        signup_source,
        version_count,
        is_email_placeholder,
        has_invalid_email,
        has_invalid_unsubscribed_at,
        subscribed_at,
        unsubscribed_at,
        updated_at,
        _batch_id,
        _row_number,
        _loaded_at,
        built_at
    from base_subscribers
    where is_current_version

)

select * from final
