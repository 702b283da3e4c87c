"""Tab handlers: thin functions between the Gradio UI and the model layer (artstudio.models)."""
