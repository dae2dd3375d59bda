{#
    Every score of each survey type's scale (CSAT and review 1 to 5, NPS 0
    to 10, as staging validates them) falls in exactly one band of the
    feedback_score_bands seed. A row returned is a score with no band or
    with several.
#}

with

score_bands as (

    select * from {{ ref('feedback_score_bands') }}

),

scales as (

    {% for survey_type, lowest, highest in [('csat', 1, 5), ('review', 1, 5), ('nps', 0, 10)] %}
        {% for score in range(lowest, highest + 1) %}
            select
                '{{ survey_type }}' as survey_type,
                {{ score }} as score
            {% if not loop.last %}union all{% endif %}
        {% endfor %}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

banded as (

    select
        scales.survey_type,
        scales.score,
        count(score_bands.survey_type) as band_count
    from scales
    left outer join score_bands
        on
            scales.survey_type = score_bands.survey_type
            and scales.score between score_bands.min_score and score_bands.max_score
    group by scales.survey_type, scales.score

)

select *
from banded
where band_count <> 1
