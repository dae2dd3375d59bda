with

base_interactions as (

    select * from {{ ref('base_social__interactions') }}

),

final as (

    select
        interaction_id,
        handle,
        display_name,
        email,
        email_as_given,
        platform,
        interaction_type,
        sentiment_label,
        content,
        version_count,
        is_email_placeholder,
        has_invalid_email,
        is_content_truncated,
        has_content_formula,
        occurred_at,
        _batch_id,
        _row_number,
        _loaded_at,
        built_at
    from base_interactions
    where is_current_version

)

select * from final
