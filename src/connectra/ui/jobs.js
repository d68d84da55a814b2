// CSV export and import through jobs (progress by polling), and the list of recent jobs.
import { api } from "./api.js";
import { $, display, h, sleep } from "./dom.js";

const POLL_MS = 500;
const FINAL = new Set(["completed", "failed"]);

// Polls a job until it is completed or failed; onProgress(job) after every poll.
async function follow(uuid, onProgress) {
  for (;;) {
    const { data } = await api("GET", `/common/jobs/${uuid}`);
    onProgress(data);
    if (FINAL.has(data.status)) return data;
    await sleep(POLL_MS);
  }
}

// An open job waits for the next poll of a job runner (TICKER_INTERVAL_* on the server).
const STATES = { open: "queued, waiting for a job runner", in_queue: "starting", processing: "running" };
const describe = (status) => STATES[status] || status;
const failure = (job) => (job.job_response?.runtime_errors || []).join("; ") || "the job failed";

function setProgress(bar, done, total) {
  if (total > 0) {
    bar.max = total;
    bar.value = Math.min(done, total);
  } else bar.removeAttribute("value");  // indeterminate until there is something to count
}

export class Exporter {
  async start(entity, query, total) {
    const panel = $("#export-panel");
    const status = $("#export-status");
    const bar = $("#export-progress");
    const link = $("#export-link");
    panel.hidden = false;
    link.hidden = true;
    const job_data = { service: entity.name, vql: query };  // the job ignores paging and order
    try {
      const { data } = await api("POST", "/common/jobs/create", { job_type: "export_csv_file", job_data });
      status.textContent = `Export job ${data.uuid} queued for ${(total ?? 0).toLocaleString("en")} records…`;
      const job = await follow(data.uuid, (current) => {
        const rows = current.job_response?.progress?.rows || 0;
        setProgress(bar, rows, current.status === "completed" ? rows : total);
        if (!FINAL.has(current.status)) status.textContent = `Export ${describe(current.status)}…`;
      });
      if (job.status === "failed") throw new Error(failure(job));
      const key = encodeURIComponent(job.job_response.s3_key);
      const url = await api("GET", `/common/download-url?s3_key=${key}`);
      link.href = url.download_url;
      link.hidden = false;
      status.textContent = `Export done: ${job.job_response.messages}.`;
    } catch (error) {
      status.textContent = `Export failed: ${error.message}`;
    }
  }
}

export class JobsView {
  constructor() {
    $("#import-form").addEventListener("submit", (event) => this.import(event));
    $("#jobs-refresh").addEventListener("click", () => this.list());
  }

  show() {
    return this.list();
  }

  async list() {
    const { data } = await api("POST", "/common/jobs", { limit: 50 });
    const rows = data.map((job) => h("tr", {},
      h("td", {}, new Date(job.created_at).toLocaleString()),
      h("td", {}, job.job_type),
      h("td", {}, h("span.status", { "data-status": job.status }, job.status)),
      h("td", {}, display(job.job_response?.messages || job.job_response?.runtime_errors)),
      h("td", {}, h("code", {}, job.uuid))));
    $("#jobs-table tbody").replaceChildren(...rows);
    // While a job runs and the page is shown, keep its status current.
    clearTimeout(this.timer);
    if (data.some((job) => !FINAL.has(job.status))) {
      this.timer = setTimeout(() => !$("#jobs-view").hidden && this.list(), 2000);
    }
  }

  async import(event) {
    event.preventDefault();
    const file = $("#import-file").files[0];
    const status = $("#import-status");
    const bar = $("#import-progress");
    const errors = $("#import-errors");
    errors.replaceChildren();
    bar.hidden = false;
    setProgress(bar, 0, 0);
    try {
      status.textContent = "Uploading…";
      const upload = await api("GET", `/common/upload-url?filename=${encodeURIComponent(file.name)}`);
      const put = await fetch(upload.upload_url, { method: "PUT", body: file });
      if (!put.ok) throw new Error(`upload failed with HTTP ${put.status}`);
      const job_data = { s3_key: upload.s3_key };
      const { data } = await api("POST", "/common/jobs/create", { job_type: "insert_csv_file", job_data });
      status.textContent = `Import job ${data.uuid} queued…`;
      const job = await follow(data.uuid, (current) => {
        const read = current.job_response?.progress?.bytes || 0;
        setProgress(bar, read, current.status === "completed" ? read || 1 : file.size);
        if (!FINAL.has(current.status)) status.textContent = `Import ${describe(current.status)}…`;
      });
      if (job.status === "failed") throw new Error(failure(job));
      const rowErrors = job.job_response.row_errors || [];
      errors.replaceChildren(...rowErrors.map((text) => h("li", {}, text)));
      status.textContent = `Import done: ${job.job_response.messages}.`;
    } catch (error) {
      status.textContent = `Import failed: ${error.message}`;
    }
    this.list();
  }
}
