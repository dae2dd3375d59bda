with

base_requests as (

    select * from {{ ref('base_privacy__requests') }}

),

final as (

    select
        request_id,
        account_id,
        email,
        email_as_given,
        phone,
        phone_extension,
        request_type,
        purpose,
        request_channel,
        status,
        version_count,
        is_email_placeholder,
        has_invalid_email,
        is_phone_placeholder,
        has_invalid_phone,
        has_invalid_processed_at,
        requested_at,
        processed_at,
        _batch_id,
        _row_number,
        _loaded_at,
        built_at
    from base_requests
    where is_current_version

)

select * from final
