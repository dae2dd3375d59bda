with

base_tickets as (

    select * from {{ ref('base_support__tickets') }}

),

final as (

    select
        ticket_id,
        account_id,
        email,
        email_as_given,
        phone,
        phone_extension,
        requester_name,
        channel,
        category,
        priority,
        status,
        subject,
        description,
        version_count,
        is_open,
        is_email_placeholder,
        has_invalid_email,
        is_phone_placeholder,
        has_invalid_phone,
        is_subject_truncated,
        is_description_truncated,
        has_subject_formula,
        has_description_formula,
        has_invalid_resolved_at,
        created_at,
        updated_at,
        resolved_at,
        _batch_id,
        _row_number,
        _loaded_at,
        built_at
    from base_tickets
    where is_current_version

)

select * from final
