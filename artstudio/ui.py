"""The Gradio layout: four tabs wired to the handlers in artstudio/tabs. Layout and wiring only."""
import gradio as gr

from artstudio import __version__, presets
from artstudio.models import registry
from artstudio.tabs import classify, generate, inpaint, stylize
from artstudio.tabs.common import status_markdown

MODEL_GROUP = "model"      # one queue slot shared by every model call


def model_concurrency() -> int:
    return 2 if registry.device().type == "cuda" else 1


def _event(trigger, fn, inputs, outputs, api_name: str, **kwargs):
    return trigger(fn, inputs, outputs, api_name=api_name, concurrency_id=MODEL_GROUP,
                   concurrency_limit=model_concurrency(), **kwargs)


def classify_tab() -> None:
    gr.Markdown(status_markdown("classifier", "Which of 11 art movements is a painting closest to, and where "
                                "in the picture does the evidence lie?"))
    with gr.Tab("One painting"):
        with gr.Row():
            with gr.Column():
                image = gr.Image(label="Painting", type="filepath", image_mode=None, sources=["upload", "clipboard"])
                top_k = gr.Slider(1, 11, value=5, step=1, label="Movements to show")
                button = gr.Button("Classify", variant="primary")
            with gr.Column():
                labels = gr.Label(label="Closest movements")
                heat = gr.Image(label="Heat map: regions behind the top movement", type="pil", interactive=False)
                opacity = gr.Slider(0, 1, value=0.5, step=0.05, label="Heat map opacity")
        state = gr.State()
        _event(button.click, classify.classify_image, [image, top_k, opacity], [labels, heat, state], "classify")
        opacity.release(classify.update_overlay, [state, opacity], heat, api_name=False, queue=False)
    with gr.Tab("Many paintings"):
        files = gr.File(label="Images or a zip of images", file_count="multiple", type="filepath")
        batch_button = gr.Button("Classify all", variant="primary")
        table = gr.Dataframe(headers=classify.BATCH_HEADERS, label="Results (click a header to sort)",
                             interactive=False)
        csv_file = gr.File(label="Download as CSV")
        _event(batch_button.click, classify.classify_batch, files, [table, csv_file], "classify_batch")


def style_slot(index: int, default: str) -> tuple:
    with gr.Column(min_width=200):
        choice = gr.Dropdown(stylize.style_choices(), value=default, label=f"Style {index}")
        upload = gr.Image(label=f"Own style image {index}", type="filepath", image_mode=None, height=140)
        weight = gr.Slider(0, 1, value=1.0, step=0.05, label=f"Weight of style {index}")
    return choice, upload, weight


def stylize_tab() -> None:
    gr.Markdown(status_markdown("stylizer", "Put a photo or sketch in, pick a painting's style, get a result "
                                "in about a second; **Refine** spends longer for a richer rendering."))
    with gr.Row():
        with gr.Column():
            content = gr.Image(label="Content picture (drop an ArtStudio PNG to restore its settings)",
                               type="filepath", image_mode=None)
            with gr.Row():
                s1 = style_slot(1, presets.caption("van-gogh_starry-night-1889.jpg"))
                s2 = style_slot(2, stylize.NO_STYLE)
                s3 = style_slot(3, stylize.NO_STYLE)
            gr.Gallery([(str(path), cap) for cap, path in presets.by_caption().items()], label="Preset styles",
                       columns=6, height=150, allow_preview=True)
            strength = gr.Slider(0, 1, value=1.0, step=0.05, label="Strength (0 = content, 1 = full style)")
            with gr.Row():
                preserve = gr.Checkbox(label="Keep the content's colours")
                size = gr.Dropdown(stylize.SIZES, value=512, label="Output long side (px)")
                steps = gr.Slider(10, 200, value=60, step=10, label="Refine steps")
            with gr.Accordion("Region (optional): paint where the style applies", open=False):
                region = gr.ImageEditor(label="Paint the region", type="pil", image_mode="RGBA",
                                        brush=gr.Brush(colors=["#ff0066"], default_size=40), height=360)
            with gr.Row():
                go = gr.Button("Stylize", variant="primary")
                refine = gr.Button("Refine (detailed)")
                cancel = gr.Button("Cancel refine", variant="stop")
        with gr.Column():
            result = gr.Image(label="Result", type="filepath", interactive=False, format="png")
            compare = gr.ImageSlider(label="Before / after", type="pil", interactive=False)
            download = gr.File(label="Download PNG (with recipe)")
    inputs = [content, *s1, *s2, *s3, strength, preserve, size]
    _event(go.click, stylize.stylize_fast, inputs + [region], [result, compare, download], "stylize")
    refine_event = _event(refine.click, stylize.stylize_detailed, inputs + [steps, region],
                          [result, compare, download], "stylize_detailed")
    cancel.click(None, None, None, cancels=[refine_event], api_name=False, queue=False)
    content.upload(stylize.restore_settings, content, [s1[0], s2[0], s3[0], strength, preserve, size, s1[2]],
                   api_name=False, queue=False)
    content.upload(lambda path: {"background": path, "layers": [], "composite": path} if path else None,
                   content, region, api_name=False, queue=False)


def inpaint_tab() -> None:
    gr.Markdown(status_markdown("inpainter", "Brush over a scratch, stain or unwanted object and press "
                                "**Fill**. Pixels you did not paint stay exactly as they were."))
    with gr.Row():
        with gr.Column():
            editor = gr.ImageEditor(label="Image: paint over what should go", type="filepath", image_mode="RGBA",
                                    brush=gr.Brush(colors=["#ff0066"], default_size=30, color_mode="fixed"),
                                    eraser=gr.Eraser(default_size=30), height=520)
            mask_upload = gr.Image(label="Or upload a mask (white = fill)", type="filepath", image_mode=None,
                                   height=140)
            method = gr.Radio(list(inpaint.METHOD_LABELS), value=next(iter(inpaint.METHOD_LABELS)), label="Method")
            with gr.Row():
                fill = gr.Button("Fill", variant="primary")
                again = gr.Button("Continue editing the result")
        with gr.Column():
            compare = gr.ImageSlider(label="Before / after", type="pil", interactive=False)
            result = gr.File(label="Download result (full resolution, with recipe)")
            mask_file = gr.File(label="Download the mask")
    _event(fill.click, inpaint.fill, [editor, mask_upload, method], [compare, result, mask_file], "inpaint")
    again.click(inpaint.continue_editing, result, editor, api_name=False)


def generate_tab() -> None:
    gr.Markdown(status_markdown("generator", "Explore new Impressionist paintings."))
    with gr.Row():
        seed = gr.Number(value=0, precision=0, label="Seed")
        truncation = gr.Slider(0, 1, value=0.7, step=0.05, label="Truncation")
        button = gr.Button("Generate", variant="primary")
    _event(button.click, generate.generate, [seed, truncation], None, "generate")


def build_app() -> gr.Blocks:
    with gr.Blocks(title="ArtStudio") as app:
        gr.Markdown(f"# ArtStudio\nDeep learning on your own images, on your own machine. Version {__version__}.")
        with gr.Tab("Classify"):
            classify_tab()
        with gr.Tab("Generate"):
            generate_tab()
        with gr.Tab("Style transfer"):
            stylize_tab()
        with gr.Tab("Inpaint"):
            inpaint_tab()
    return app.queue(max_size=16, default_concurrency_limit=model_concurrency())
