"""redactclf Gradio app (Hugging Face Spaces entry point). The app itself lives in redactclf/app.py (nbs/09_app.ipynb)."""
import os

from redactclf.app import MAX_UPLOAD_MB, build_demo

demo = build_demo()

if __name__ == "__main__":
    demo.queue(default_concurrency_limit=2).launch(
        server_name=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
        server_port=int(os.environ.get("GRADIO_SERVER_PORT", "7860")),
        max_file_size=f"{MAX_UPLOAD_MB}mb",
    )
