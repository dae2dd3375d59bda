with

base_contacts as (

    select * from {{ ref('base_crm__contacts') }}

),

final as (

    select
        contact_id,
        full_name,
        first_name,
        last_name,
        email,
        email_as_given,
        phone,
        phone_extension,
        company_name,
        job_title,
        city,
        country_code,
        lead_source,
        lifecycle_status,
        owner_name,
        version_count,
        is_email_placeholder,
        has_invalid_email,
        is_phone_placeholder,
        has_invalid_phone,
        has_unknown_country,
        is_name_swapped,
        created_at,
        updated_at,
        _batch_id,
        _row_number,
        _loaded_at,
        built_at
    from base_contacts
    where is_current_version

)

select * from final
