"""The Gradio layout: five tabs wired to the handlers in artstudio/tabs. Layout and wiring only."""
import gradio as gr

from artstudio import __version__, presets
from artstudio.models import registry
from artstudio.specs import GENERATE, INPAINT, RESTORE, STYLIZE, Param
from artstudio.tabs import classify, common, gallery, generate, inpaint, restore, stylize
from artstudio.tabs.common import keeps_screen, status_markdown
from artstudio.tabs.inputs import ImageEditorUpload, ImageUpload, NumberInput, SliderInput
from artstudio.tabs.waiting import Door

# Two lanes of model calls, each with its own queue slots (model_concurrency), so a 10 ms painting or a
# classification never waits behind a 2 s fill or a 1024 px restoration: interactive (generate, sliders,
# variations, blends, classify, heat maps, custom labels) and heavy (style transfer, refine, inpaint,
# restore, batches).
INTERACTIVE, HEAVY = "interactive", "heavy"
HEAVY_DOOR = Door(HEAVY, max_waiting=8)     # this many heavy jobs waiting: the next is refused with the wait named
TAB_NAMES = {"classify": "Classify", "generate": "Generate", "stylize": "Style transfer", "inpaint": "Inpaint",
             "restore": "Restore", "gallery": "Gallery"}
SEND_TARGETS = {"generate": ["stylize", "inpaint", "restore", "classify"],
                "stylize": ["inpaint", "restore", "classify"], "inpaint": ["stylize", "restore", "classify"],
                "restore": ["stylize", "inpaint", "classify"], "gallery": ["stylize", "inpaint", "restore", "classify"]}


# The note about models still loading floats over the page's foot and lets clicks through: it comes and
# goes while an artist is already clicking, and must not move the tab row under their pointer.
PAGE_CSS = """#loading-note { position: fixed; bottom: 12px; left: 50%; transform: translateX(-50%); z-index: 1000;
  width: min(92vw, 640px); padding: 8px 14px; pointer-events: none; background: var(--background-fill-primary);
  border: 1px solid var(--border-color-primary); border-radius: var(--radius-lg); box-shadow: 0 2px 10px rgba(0,0,0,.2); }"""


# A slider's number box applies a typed value when it loses focus; Enter should do the same.
ENTER_COMMITS_SLIDER_BOX = """() => {
  document.addEventListener('keydown', (event) => {
    const box = event.target;
    if (event.key === 'Enter' && box instanceof HTMLInputElement && box.type === 'number'
        && box.closest('.block')?.querySelector('input[type=range]')) box.blur();
  });
}"""


def spec_slider(param: Param, step: float, label: str = "") -> SliderInput:
    """A slider over a spec'd parameter: its range, starting value and caption (artstudio/specs.py)."""
    return SliderInput(param.low, param.high, value=param.start, step=step, label=label or param.caption)


def seed_box(param: Param, value: int | None = None, label: str = "") -> NumberInput:
    return NumberInput(value=param.start if value is None else value, precision=0, label=label or param.caption,
                       minimum=param.low, maximum=param.high)


def model_concurrency(lane: str = HEAVY) -> int:
    """Calls at once in a lane: heavy jobs one at a time on a CPU (two on a GPU); interactive calls, each a
    few tens of milliseconds of model time, two at a time, so a burst of them does not queue."""
    return 2 if lane == INTERACTIVE or registry.gpu_expected() else 1


def _event(trigger, fn, inputs, outputs, api_name: str, lane: str = INTERACTIVE, **kwargs):
    """A model-running event with an API name, through its lane's slot; a refusal leaves the page as it was
    (a heavy job finding its lane full is told how long to wait: HEAVY_DOOR)."""
    return trigger(keeps_screen(fn), inputs, outputs, api_name=api_name, concurrency_id=lane,
                   concurrency_limit=model_concurrency(lane), **kwargs)


def _model_step(trigger, fn, inputs, outputs, lane: str = INTERACTIVE, **kwargs):
    """A model-running UI event (dice, slider, reset, click, reopen): private, through its lane's slot."""
    return trigger(keeps_screen(fn), inputs, outputs, api_visibility="private", concurrency_id=lane,
                   concurrency_limit=model_concurrency(lane), **kwargs)


def classify_tab() -> dict:
    gr.Markdown(status_markdown("classifier", "Which of 11 art movements is a painting closest to, who of 86 "
                                "artists painted it (or none of them), when, and where in the picture does the "
                                "evidence lie?"))
    with gr.Tabs(overflow_behavior="wrap"):      # on a phone every tab stays in sight, none in a menu
        with gr.Tab("One painting"):
            with gr.Row():
                with gr.Column():
                    image = ImageUpload(label="Painting", elem_id="classify-image")
                    top_k = SliderInput(1, 11, value=5, step=1, label="Movements to show")
                    button = gr.Button("Classify", variant="primary")
                with gr.Column():
                    labels = gr.Label(label="Closest movements")
                    artists = gr.Label(label="Closest artists", num_top_classes=5)
                    about = gr.Markdown(elem_id="classify-about")
                    heat_for = gr.Radio(list(classify.HEAT_TARGETS), value=classify.HEAT_TARGETS[0],
                                        label="Heat map shows the evidence for")
                    heat = gr.Image(label="Heat map: the regions behind that answer", type="filepath", interactive=False)
                    opacity = SliderInput(0, 1, value=0.5, step=0.05, label="Heat map opacity")
            state = gr.State()
            _event(button.click, classify.classify_image, [image, top_k, opacity, heat_for],
                   [labels, artists, about, heat, state], "classify")
            for control in (opacity.release, heat_for.change):
                control(keeps_screen(classify.update_overlay), [state, opacity, heat_for], heat, api_visibility="private",
                        queue=False)
        with gr.Tab("Many paintings"):
            files = gr.File(label="Images or a zip of images", file_count="multiple", type="filepath")
            batch_button = gr.Button("Classify all", variant="primary")
            table = gr.Dataframe(headers=classify.BATCH_HEADERS, datatype=classify.BATCH_TYPES, wrap=True,
                                 label="Results (click a header to sort)", interactive=False, elem_id="classify-table",
                                 column_widths=["16%", "11%", "7%", "11%", "7%", "14%", "7%", "6%", "8%", "13%"])
            csv_file = gr.File(label="Download as CSV", interactive=False)
            _event(batch_button.click, classify.classify_batch, files, [table, csv_file], "classify_batch", HEAVY)
        with gr.Tab("Your own labels") as own_labels:
            chosen = custom_labels_tab()
    own_labels.select(classify.refresh_label_sets, chosen, chosen, api_visibility="private", queue=False)
    return {"input": image, "sends": {}}


def custom_labels_tab() -> gr.Dropdown:
    gr.Markdown("Teach the studio labels of your own: name two or more labels and give at least 3 example "
                "images each (or a zip with one folder per label). Fitting takes seconds.")
    with gr.Row():
        with gr.Column():
            name = gr.Textbox(label="Name of this label set", placeholder="e.g. My series")
            pairs = []
            for i in range(1, 5):
                with gr.Row():
                    label = gr.Textbox(label=f"Label {i}", scale=1)
                    examples = gr.File(label=f"Examples for label {i}", file_count="multiple", type="filepath", scale=2,
                                       height=120)
                pairs += [label, examples]
            archive = gr.File(label="Or a zip: one folder per label", type="filepath", file_types=[".zip"], height=120)
            teach = gr.Button("Teach", variant="primary")
            taught = gr.Markdown()
        with gr.Column():
            chosen = gr.Dropdown(classify.label_set_names(), label="Your label sets", allow_custom_value=False)
            image = ImageUpload(label="Image to classify")
            run = gr.Button("Classify with my labels", variant="primary")
            result = gr.Label(label="Your labels")
            with gr.Accordion("Manage", open=False):
                new_name = gr.Textbox(label="New name")
                with gr.Row():
                    rename = gr.Button("Rename")
                    delete = gr.Button("Delete", variant="stop")
                    export = gr.Button("Export")
                exported = gr.File(label="Exported label set", interactive=False)
                imported = gr.File(label="Import a .labels file", type="filepath")
    _event(teach.click, classify.train_labels, [name, *pairs, archive], [taught, chosen], "custom_train", HEAVY)
    _event(run.click, classify.classify_custom, [image, chosen], result, "custom_classify")
    rename.click(keeps_screen(classify.rename_label_set), [chosen, new_name], [chosen, taught],
                 api_visibility="private")
    delete_confirmed = gr.Checkbox(visible=False)
    delete.click(keeps_screen(classify.delete_label_set), [chosen, delete_confirmed], chosen, api_visibility="private",
                 js="(name) => [name, confirm(`Delete the label set \"${name}\"? This cannot be undone.`)]")
    export.click(keeps_screen(classify.export_label_set), chosen, exported, api_visibility="private")
    imported.upload(keeps_screen(classify.import_label_set), imported, chosen, api_visibility="private")
    return chosen


def style_slot(index: int, default: str) -> tuple:
    with gr.Row():
        choice = gr.Dropdown(stylize.style_choices(), value=default, label=f"Style {index}", scale=2)
        upload = ImageUpload(label=f"Own style image {index}", height=120, scale=1)
    weight = spec_slider(STYLIZE["weight"], 0.05, label=f"Weight of style {index}")
    return choice, upload, weight


def stylize_tab() -> dict:
    gr.Markdown(status_markdown("stylizer", "Put a photo or sketch in, pick a painting's style (a preset, or "
                                "*My uploaded image*), get a result in about a second; **Refine** spends longer "
                                "for a richer rendering."))
    captions = list(presets.by_caption())
    with gr.Row():
        with gr.Column():
            content = ImageUpload(label="Content picture (drop an ArtStudio PNG to restore its settings)", height=300,
                                  elem_id="stylize-content")
            s1 = style_slot(1, captions[0])
            gallery = gr.Gallery([(str(presets.FOLDER / file), artist) for file, (artist, _, _) in presets.PRESETS.items()],
                                 label="Presets (click one to use it as style 1; the Style 1 list names each painting)",
                                 columns=3, height=290, allow_preview=False, elem_id="stylize-presets")
            with gr.Accordion("Blend up to two more styles", open=False):
                s2 = style_slot(2, stylize.NO_STYLE)
                s3 = style_slot(3, stylize.NO_STYLE)
            strength = spec_slider(STYLIZE["strength"], 0.05)
            with gr.Row():
                preserve = gr.Checkbox(value=STYLIZE["preserve_color"].default, label=STYLIZE["preserve_color"].caption)
                size = gr.Dropdown(stylize.SIZES, value=STYLIZE["size"].default, allow_custom_value=True,
                                   label=STYLIZE["size"].caption)
            with gr.Accordion("Region (optional): paint where the style applies", open=False):
                region = ImageEditorUpload(label="Paint the region (upload a content picture first)", brush=gr.Brush(colors=["#ff0066"], default_size=40),
                                        height=360, sources=[])
            with gr.Row():
                go = gr.Button("Stylize", variant="primary")
                refine = gr.Button("Refine (detailed)")
                cancel = gr.Button("Cancel refine", variant="stop")
            steps = spec_slider(STYLIZE["steps"], 10)
            refine_status = gr.Markdown(elem_id="stylize-refine-status")
            refining = gr.State()
        with gr.Column():
            result = gr.Image(label="Result", type="filepath", interactive=False, format="png", elem_id="stylize-result")
            compare = gr.ImageSlider(label="Before / after", type="filepath", interactive=False)
            download = gr.File(label="Download PNG (with recipe)", interactive=False)
            sends = send_buttons("stylize")
    inputs = [content, *s1, *s2, *s3, strength, preserve, size]
    _event(go.click, stylize.stylize_fast, inputs + [region], [result, compare, download], "stylize", HEAVY)
    refine_event = _event(refine.click, stylize.stylize_detailed, inputs + [steps, region],
                          [result, compare, download, refine_status, refining], "stylize_detailed", HEAVY,
                          show_progress_on=[refine_status])
    cancel.click(keeps_screen(stylize.cancelled), refining, [result, compare, download, refine_status, refining],
                 cancels=[refine_event], api_visibility="private", queue=False)
    gallery.select(stylize.preset_from_gallery, None, s1[0], api_visibility="private", queue=False)
    for choice, upload, _ in (s1, s2, s3):
        upload.upload(lambda: stylize.UPLOADED, None, choice, api_visibility="private", queue=False)
    settings = [s1[0], s2[0], s3[0], s1[2], s2[2], s3[2], strength, preserve, size, steps]
    content.upload(keeps_screen(stylize.restore_settings), content, settings, api_visibility="private", queue=False)
    content.change(stylize.region_background, content, region, api_visibility="private", queue=False)
    return {"input": content, "result": result, "sends": sends,
            "reopen": (stylize.reopen, [content, *settings])}


def inpaint_tab() -> dict:
    gr.Markdown(status_markdown("inpainter", "Brush over a scratch, stain or unwanted object and press "
                                "**Fill**. Pixels you did not paint stay exactly as they were."))
    with gr.Row():
        with gr.Column():
            editor = ImageEditorUpload(label="Image: paint over what should go", brush=gr.Brush(colors=["#ff0066"], default_size=30, color_mode="fixed"),
                                    eraser=gr.Eraser(default_size=30), height=520, elem_id="inpaint-editor")
            mask_upload = ImageUpload(label="Or upload a mask (white = fill)", height=140)
            method = gr.Radio(list(inpaint.METHOD_LABELS), value=next(iter(inpaint.METHOD_LABELS)),
                              label=INPAINT["method"].caption)
            with gr.Row():
                fill = gr.Button("Fill", variant="primary")
                again = gr.Button("Continue editing the result")
        with gr.Column():
            compare = gr.ImageSlider(label="Before / after", type="filepath", interactive=False, elem_id="inpaint-compare")
            result = gr.File(label="Download result (full resolution, with recipe)", interactive=False,
                             elem_id="inpaint-result")
            mask_file = gr.File(label="Download the mask", interactive=False)
            sends = send_buttons("inpaint")
    _event(fill.click, inpaint.fill, [editor, mask_upload, method], [compare, result, mask_file], "inpaint", HEAVY)
    again.click(keeps_screen(inpaint.continue_editing), result, editor, api_visibility="private", queue=False)
    return {"input": editor, "result": result, "sends": sends, "reopen": (inpaint.reopen, [editor, mask_upload, method])}


def generate_tab() -> dict:
    gr.Markdown(status_markdown("generator", "New Impressionist paintings from a GAN trained here. Roll a seed, "
                                "steer it with the sliders (each named after what it measurably changes), "
                                "make variations, or blend two seeds. Native size 128x128 px, shown at 512 px."))
    names = generate.direction_names()
    state, variation_ws = gr.State(), gr.State()
    with gr.Row():
        with gr.Column():
            with gr.Row():
                seed = seed_box(GENERATE["seed"])
                dice = gr.Button("Random seed", scale=0)
            truncation = spec_slider(GENERATE["truncation"], 0.05)
            button = gr.Button("Generate", variant="primary")
            sliders = [spec_slider(GENERATE["slider"], 0.1, label=name.capitalize()) for name in names]
            with gr.Row():
                reset = gr.Button("Reset sliders")
                keep = gr.Button("Keep in gallery")
            restore_from = ImageUpload(label="Drop an ArtStudio painting PNG to restore it", height=140)
        with gr.Column():
            painting = gr.Image(label="Painting (native 128x128 px, shown upscaled)", type="filepath",
                                interactive=False, format="png", height=512, elem_id="generate-painting")
            downloads = gr.File(label="Download native and enlarged PNG (with recipe)", file_count="multiple",
                                interactive=False)
            sends = send_buttons("generate")
    with gr.Accordion("Variations", open=True):
        with gr.Row():
            with gr.Column(scale=1):
                step = SliderInput(0.1, 1.5, value=0.5, step=0.1, label="Variation step")
                vary = gr.Button("Make variations")
            with gr.Column(scale=1):
                grid = gr.Gallery(label="Click one to make it current (the centre is the current painting)",
                                  columns=3, height=560, allow_preview=False, elem_id="generate-variations")
    with gr.Accordion("Blend two seeds", open=False):
        with gr.Row():
            seed_a = seed_box(GENERATE["seed"], 1, "Seed A")
            seed_b = seed_box(GENERATE["seed"], 2, "Seed B")
            frames = spec_slider(GENERATE["frames"], 1)
            blend_button = gr.Button("Blend")
        strip = gr.Image(label="Interpolation strip", type="filepath", interactive=False, format="png")
        gif = gr.File(label="Animated GIF", interactive=False)
    outputs = [painting, downloads, state]
    named = {generate.slider_key(name): slider for name, slider in zip(names, sliders)}
    _event(button.click, generate.new_painting, [seed, truncation], outputs, "generate", inputs_kwargs=named)
    _model_step(dice.click(generate.roll_dice, None, seed, api_visibility="private", queue=False).then,
                generate.new_painting, [seed, truncation], outputs, inputs_kwargs=named)
    _model_step(seed.submit, generate.new_painting, [seed, truncation], outputs, inputs_kwargs=named)
    _model_step(keep.click, generate.keep_current, [state], outputs, inputs_kwargs=named)
    _model_step(truncation.release, generate.retruncate, [state, truncation], outputs, inputs_kwargs=named,
                trigger_mode="always_last")
    for slider in sliders:
        _model_step(slider.release, generate.render_state, [state], outputs, inputs_kwargs=named,
                    trigger_mode="always_last")
    api_sliders, api_edit = gr.JSON(visible=False), gr.Button(visible=False)
    _event(api_edit.click, generate.edit, [seed, truncation, api_sliders], outputs, "edit")
    _model_step(reset.click(generate.reset_sliders, None, sliders, api_visibility="private", queue=False).then,
                generate.render_state, [state], outputs, inputs_kwargs=named)
    _event(vary.click, generate.make_variations, [state, step], [grid, variation_ws], "variations", inputs_kwargs=named)
    _model_step(grid.select, generate.pick_variation, [state, variation_ws], outputs + sliders)
    _event(blend_button.click, generate.blend, [seed_a, seed_b, truncation, frames], [strip, gif], "blend")
    _model_step(restore_from.upload, generate.restore_painting, restore_from, [seed, truncation, *sliders, *outputs])
    return {"input": None, "result": painting, "sends": sends,
            "reopen": (generate.reopen, [seed, truncation, *sliders, *outputs, seed_a, seed_b, frames])}


def restore_tab() -> dict:
    gr.Markdown(status_markdown("restorer", "Take the noise, JPEG blocks and blur out of an old scan or web copy, "
                                "and enlarge a small picture x2 or x4 for print: cleaning and enlarging run as one "
                                "pass. Cleaning smooths fine grain and dotted brushwork too; lower the strength to "
                                "keep it. The Sharp upscaler draws strokes and texture where Fast blurs. Click the "
                                "result to compare a spot at 1:1."))
    with gr.Row():
        with gr.Column():
            picture = ImageUpload(label="Picture to restore", height=360, elem_id="restore-input")
            task = gr.Radio(list(restore.TASKS), value="Clean, then enlarge x2", label=RESTORE["task"].caption)
            strength = spec_slider(RESTORE["strength"], 0.05)
            upscaler = gr.Radio(list(restore.UPSCALERS), value=next(iter(restore.UPSCALERS)),
                                label=RESTORE["upscaler"].caption)
            with gr.Row():
                go = gr.Button("Restore", variant="primary")
                cancel = gr.Button("Cancel", variant="stop")
        with gr.Column():
            result = gr.Image(label="Result (click a spot to compare at 1:1)", type="filepath", interactive=False,
                              format="png", elem_id="restore-result")
            compare = gr.ImageSlider(label="Before / after", type="filepath", interactive=False)
            zoom = gr.Image(label="1:1: input (left) and result (right)", type="filepath", interactive=False,
                            format="png")
            download = gr.File(label="Download PNG (full size, with recipe)", interactive=False)
            sends = send_buttons("restore")
    run = _event(go.click, restore.restore, [picture, task, strength, upscaler], [result, compare, zoom, download],
                 "restore", HEAVY, show_progress_on=[result])
    cancel.click(None, None, None, cancels=[run], api_visibility="private", queue=False)
    result.select(keeps_screen(restore.zoom_at), [picture, result], zoom, api_visibility="private", queue=False)
    return {"input": picture, "result": result, "sends": sends,
            "reopen": (restore.reopen, [picture, task, strength, upscaler])}


def gallery_tab() -> dict:
    gr.Markdown("Everything you made in this browser, newest first (kept across reloads and restarts; under "
                "`--auth`, per signed-in user). Click a picture to see it with its recipe, download it, delete "
                "it or send it on. Drop any ArtStudio PNG below to reopen it in the tab that made it.")
    with gr.Row():
        with gr.Column(scale=3):
            pictures = gr.Gallery(label="Your pictures", columns=5, height=520, allow_preview=False,
                                  elem_id="gallery-pictures")
            with gr.Row():
                refresh = gr.Button("Refresh", size="sm")
                clear = gr.Button("Clear all", variant="stop", size="sm", elem_id="gallery-clear")
            opener = ImageUpload(label="Open an ArtStudio PNG (it reopens in its tab with its settings)", height=140,
                                 elem_id="gallery-open")
        with gr.Column(scale=2):
            large = gr.Image(label="Selected picture", type="filepath", interactive=False, format="png",
                             elem_id="gallery-selected")
            recipe = gr.JSON(label="Recipe", elem_id="gallery-recipe")
            download = gr.File(label="Download", interactive=False)
            delete = gr.Button("Delete this picture", variant="stop", size="sm")
            sends = send_buttons("gallery")
    ids, selected, confirmed = gr.State([]), gr.State(), gr.Checkbox(visible=False)
    view, detail = [pictures, ids], [large, recipe, download, selected]
    refresh.click(gallery.show, None, view, api_visibility="private", queue=False)
    pictures.select(gallery.select, ids, detail, api_visibility="private", queue=False)
    delete.click(keeps_screen(gallery.delete_selected), selected, view + detail, api_visibility="private", queue=False)
    clear.click(keeps_screen(gallery.clear_all), confirmed, view + detail, api_visibility="private", queue=False,
                js="() => confirm('Remove every picture from your gallery? This cannot be undone.')")
    gr.api(gallery.history, api_name="history", queue=False)
    gr.api(gallery.history_delete, api_name="history_delete", queue=False)
    return {"input": None, "result": large, "sends": sends, "view": view, "opener": opener}


def send_buttons(source: str) -> dict[str, gr.Button]:
    """A row of "Send to ..." buttons under a tab's result (wired in build_app, once every tab exists)."""
    with gr.Row():
        return {target: gr.Button(f"Send to {TAB_NAMES[target]}", size="sm", elem_id=f"send-{source}-{target}")
                for target in SEND_TARGETS[source]}


def wire_sends(tabs: gr.Tabs, parts: dict[str, dict]) -> None:
    """Each "Send to" button puts its tab's result into the target tab's input and switches to it."""
    for source, part in parts.items():
        for target, button in part["sends"].items():
            button.click(keeps_screen(send_to(target)), part["result"], [parts[target]["input"], tabs],
                         api_visibility="private", queue=False).success(None, js=scroll_to(parts[target]["input"]))


def scroll_to(component: gr.components.Component) -> str:
    """Browser code bringing `component` on screen once the new tab has drawn (on a phone the page would
    otherwise stay scrolled where the button was, far below the input that just received the picture)."""
    return (f"() => setTimeout(() => document.getElementById('{component.elem_id}')"
            "?.scrollIntoView({block: 'start', behavior: 'instant'}), 250)")


def send_to(target: str):
    def send(path: str | list | None):
        return common.picture_for(path, editor=target == "inpaint"), gr.Tabs(selected=target)
    return send


def wire_reopen(tabs: gr.Tabs, parts: dict[str, dict]) -> None:
    """The gallery's drop zone: switch to the tab that made the picture, then each tab restores its own."""
    opened_path = gr.State()
    opener = parts["gallery"]["opener"]
    opened = opener.upload(keeps_screen(gallery.open_picture), opener, [tabs, opened_path],
                           api_visibility="private", queue=False)
    for part in parts.values():
        if "reopen" in part:
            reopen, outputs = part["reopen"]
            _model_step(opened.success, reopen, opened_path, outputs)


def build_app() -> gr.Blocks:
    with gr.Blocks(title="ArtStudio") as app:
        gr.Markdown(f"# ArtStudio\nDeep learning on your own images, on your own machine. Version {__version__}.")
        loading, poll = gr.Markdown(elem_id="loading-note", visible=False), gr.Timer(1.0)
        builders = {"classify": classify_tab, "generate": generate_tab, "stylize": stylize_tab,
                    "inpaint": inpaint_tab, "restore": restore_tab, "gallery": gallery_tab}
        parts = {}
        with gr.Tabs(overflow_behavior="wrap") as tabs:
            for tab_id, build in builders.items():
                with gr.Tab(TAB_NAMES[tab_id], id=tab_id) as tab:
                    parts[tab_id] = build()
                if tab_id == "gallery":
                    tab.select(gallery.show, None, parts[tab_id]["view"], api_visibility="private", queue=False)
        wire_sends(tabs, parts)
        wire_reopen(tabs, parts)
        app.load(None, js=ENTER_COMMITS_SLIDER_BOX, api_visibility="private", queue=False)
        poll.tick(common.loading_note, None, [loading, poll], api_visibility="private", queue=False)
        app.load(gallery.show, None, parts["gallery"]["view"], js=gallery.OWNER_COOKIE_JS, api_visibility="private",
                 queue=False)
    app.queue(max_size=16, default_concurrency_limit=model_concurrency())
    HEAVY_DOOR.attach(app)
    return app
