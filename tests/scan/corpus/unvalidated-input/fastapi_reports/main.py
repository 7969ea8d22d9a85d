# ruff: noqa: B008, UP042
"""Reporting service: generated CSV/PDF reports, saved model snapshots, exports."""

import os
import pickle
import subprocess
from enum import Enum
from pathlib import Path
from typing import Annotated

import yaml
from fastapi import FastAPI, File, HTTPException, Query, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, RedirectResponse
from pydantic import BaseModel

app = FastAPI()
REPORT_DIR = Path("/srv/reports")
MODEL_DIR = "/srv/models"


class Period(str, Enum):
    daily = "daily"
    weekly = "weekly"
    monthly = "monthly"


class ReportRequest(BaseModel):
    period: Period
    recipients: list[str] = []


@app.get("/reports/{period}")
def latest_report(period: Period):
    return FileResponse(REPORT_DIR / f"{period.value}-latest.csv")


@app.get("/reports/files/{name}")
def report_file(name: str):
    return FileResponse(REPORT_DIR / name)  # expect: PR107


@app.get("/reports/archive/{name}")
def archived_report(name: Annotated[str, PathParam(pattern=r"^[\w-]+\.csv$")]):
    return FileResponse(REPORT_DIR / "archive" / name)


@app.get("/reports/by-date")
def report_by_date(day: str = Query(..., regex=r"^\d{4}-\d{2}-\d{2}$")):
    return FileResponse(REPORT_DIR / f"{day}.csv")


@app.get("/reports/raw")
def raw_report(path: str):
    with open(os.path.join(REPORT_DIR, path)) as fh:  # expect: PR107
        return {"content": fh.read()}


@app.post("/models/{model_name}")
async def upload_model(model_name: str, snapshot: UploadFile = File(...)):
    model = pickle.loads(await snapshot.read())  # expect: PR107
    with open(os.path.join(MODEL_DIR, f"{model_name}.pkl"), "wb") as fh:  # expect: PR107
        pickle.dump(model, fh)
    return {"stored": model_name}


@app.post("/config")
async def upload_config(config: UploadFile):
    settings = yaml.safe_load(await config.read())
    return {"keys": sorted(settings)}


@app.post("/reports/render")
def render_report(body: ReportRequest):
    out = subprocess.run(
        ["report-renderer", "--period", body.period.value], capture_output=True, timeout=120
    )
    if out.returncode:
        raise HTTPException(status_code=500, detail="render failed")
    return {"ok": True}


@app.get("/reports/{report_id}/pdf")
def report_pdf(report_id: int, landscape: bool = False):
    pdf = REPORT_DIR / f"{report_id}.pdf"
    if not pdf.exists():
        subprocess.run(f"wkhtmltopdf /srv/html/{report_id}.html {pdf}", shell=True, check=True)
    return FileResponse(pdf)


@app.get("/go")
def go(to: str):
    return RedirectResponse(to)  # expect: PR107


@app.get("/dashboards/{slug}")
def dashboard(slug: str):
    return RedirectResponse(f"https://grafana.internal.example.com/d/{slug}")
