{% test rows_conserved(model, staged_model, quarantine_model, base_model) %}
    {{ return(adapter.dispatch('test_rows_conserved', 'customer360')(model, staged_model, quarantine_model, base_model)) }}
{% endtest %}
