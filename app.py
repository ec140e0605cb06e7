"""redactclf Gradio app (Hugging Face Spaces entry point). The app itself lives in redactclf/app.py (nbs/09_app.ipynb)."""
import os

from redactclf.app import MAX_UPLOAD_MB, build_demo

demo = build_demo()

if __name__ == "__main__":
    # at most REDACTCLF_CONCURRENCY requests classify at once (the page's /classify and the API's /classify_pages
    # share one group), each with REDACTCLF_ONNX_THREADS (default 1) inference threads: on 2 cores, 2 x 1 thread
    # used less CPU per request than 2 x 2 threads and was no slower than 1 or 4 at once in scripts/bench_load.py
    demo.queue(default_concurrency_limit=int(os.environ.get("REDACTCLF_CONCURRENCY", "2"))).launch(
        server_name=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"),
        server_port=int(os.environ.get("GRADIO_SERVER_PORT", "7860")),
        max_file_size=f"{MAX_UPLOAD_MB}mb",
    )
