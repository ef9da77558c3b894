// The Check button: saves the notebook, has the Jupyter server grade it (never the kernel), and shows
// the result in a side panel: points per exercise, and for each failed property its statement, the
// failing call, expected vs got and the hint. Clicking an exercise jumps to its cell.

import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette, ToolbarButton } from '@jupyterlab/apputils';
import { URLExt } from '@jupyterlab/coreutils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ServerConnection } from '@jupyterlab/services';
import { checkIcon } from '@jupyterlab/ui-components';
import { Widget } from '@lumino/widgets';

const COMMAND = 'llmcourse:check';

interface ITest {
  name: string;
  passed: boolean;
  score: number;
  max_score: number;
  message: string;
}

interface IExercise {
  name: string;
  score: number;
  max_score: number;
  tests: ITest[];
}

interface IReport {
  assignment: string;
  score: number;
  max_score: number;
  sandboxed: boolean;
  exercises: IExercise[];
  load_problem?: string | null;
  cell_errors?: { label: string; type: string; message: string }[];
}

interface IAnswer {
  report?: IReport;
  error?: string;
  retry_after?: number | null;
  checked_by?: string;
  remaining?: number | null;
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text?: string
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) {
    node.textContent = text; // never innerHTML: messages carry what the student's code returned
  }
  return node;
}

function words(name: string): string {
  return name.replace(/_/g, ' ');
}

// A failed property's message: its statement, then lines such as "Failing call: ...", "expected ...,
// got ..." and "Hint: ...", each shown in its own style.
function renderMessage(message: string): HTMLElement {
  const block = element('div', 'llmc-Message');
  message.split('\n').forEach((line, index) => {
    let kind = 'llmc-Line';
    if (index === 0) {
      kind += ' llmc-Statement';
    } else if (/^(Failing call|Failing input):/.test(line)) {
      kind += ' llmc-Call';
    } else if (line.startsWith('Hint:')) {
      kind += ' llmc-Hint';
    } else if (line.startsWith('Note:')) {
      kind += ' llmc-Note';
    }
    block.appendChild(element('div', kind, line));
  });
  return block;
}

class CheckPanel extends Widget {
  private where = '';
  private showingIntro = true;

  constructor() {
    super();
    this.id = 'llmcourse-check-panel';
    this.addClass('llmc-Panel');
    this.title.icon = checkIcon;
    this.title.caption = 'Check: your notebook against the hidden tests';
    this.showIntro();
  }

  // Where checks go, once the server has said (shown under the intro).
  setWhere(where: string): void {
    this.where = where;
    if (this.showingIntro) {
      this.showIntro();
    }
  }

  showIntro(): void {
    this.showingIntro = true;
    this.node.replaceChildren(
      element('h2', 'llmc-Title', 'Check'),
      element(
        'p',
        'llmc-Intro',
        'Click Check in a notebook’s toolbar: the notebook is saved and graded against the ' +
          'course’s hidden tests, and the result appears here. Unsaved changes are included.'
      ),
      element('p', 'llmc-Intro', this.where)
    );
  }

  showChecking(path: string): void {
    this.showingIntro = false;
    this.node.replaceChildren(
      element('h2', 'llmc-Title', 'Check'),
      element('p', 'llmc-Checking', `Checking ${path}…`)
    );
  }

  showError(path: string, message: string): void {
    this.node.replaceChildren(
      element('h2', 'llmc-Title', 'Check'),
      element('p', 'llmc-Path', path),
      element('p', 'llmc-Error', message)
    );
  }

  showReport(
    path: string,
    answer: IAnswer,
    report: IReport,
    jump: (exercise: string) => void
  ): void {
    const full = report.score === report.max_score;
    const heading = element(
      'h2',
      'llmc-Title llmc-Score' + (full ? ' llmc-Full' : ''),
      `${report.assignment}: ${report.score}/${report.max_score} points`
    );
    const nodes: HTMLElement[] = [heading, element('p', 'llmc-Path', path)];
    const facts: string[] = [
      `checked ${new Date().toLocaleTimeString()} by ${answer.checked_by ?? 'the grader'}`
    ];
    if (answer.remaining !== undefined && answer.remaining !== null) {
      facts.push(`${answer.remaining} check(s) left for now`);
    }
    if (!report.sandboxed) {
      facts.push('not sandboxed');
    }
    nodes.push(element('p', 'llmc-Facts', facts.join(' · ')));
    if (report.load_problem) {
      nodes.push(
        element('p', 'llmc-Error', `Your notebook could not be run: ${report.load_problem}`)
      );
    }
    for (const error of report.cell_errors ?? []) {
      nodes.push(
        element(
          'p',
          'llmc-Error',
          `The cell starting ${error.label} raised ${error.type}: ${error.message}`
        )
      );
    }
    const list = element('ul', 'llmc-Exercises');
    for (const exercise of report.exercises) {
      const failed = exercise.tests.filter(test => !test.passed);
      const item = element(
        'li',
        'llmc-Exercise' + (failed.length ? ' llmc-Failed' : ' llmc-Passed')
      );
      const row = element('button', 'llmc-ExerciseRow');
      row.title = `Go to the cell of ${exercise.name}`;
      row.dataset.exercise = exercise.name;
      row.append(
        element('span', 'llmc-Mark', failed.length ? '✗' : '✓'),
        element('span', 'llmc-ExerciseName', exercise.name),
        element('span', 'llmc-Points', `${exercise.score}/${exercise.max_score}`)
      );
      row.addEventListener('click', () => jump(exercise.name));
      item.appendChild(row);
      for (const test of failed) {
        const detail = element('div', 'llmc-Test');
        detail.append(
          element('div', 'llmc-TestName', `✗ ${words(test.name)}`),
          renderMessage(test.message)
        );
        item.appendChild(detail);
      }
      list.appendChild(item);
    }
    nodes.push(list);
    this.node.replaceChildren(...nodes);
  }
}

// The cell to jump to for an exercise: its solution cell (nbgrader's grade id), or else the cell
// defining the function.
function exerciseCellIndex(panel: NotebookPanel, exercise: string): number {
  const cells = panel.content.widgets;
  const byId = cells.findIndex(cell => {
    const nbgrader = cell.model.getMetadata('nbgrader') as { grade_id?: string } | undefined;
    return nbgrader?.grade_id === `solution-${exercise}`;
  });
  if (byId >= 0) {
    return byId;
  }
  const definition = new RegExp(`^def ${exercise}\\(`, 'm');
  return cells.findIndex(
    cell => cell.model.type === 'code' && definition.test(cell.model.sharedModel.getSource())
  );
}

async function jumpTo(
  app: JupyterFrontEnd,
  panel: NotebookPanel,
  exercise: string
): Promise<void> {
  const index = exerciseCellIndex(panel, exercise);
  if (index < 0 || panel.isDisposed) {
    return;
  }
  app.shell.activateById(panel.id);
  panel.content.activeCellIndex = index;
  await panel.content.scrollToCell(panel.content.widgets[index], 'start');
}

async function check(
  app: JupyterFrontEnd,
  panel: NotebookPanel,
  view: CheckPanel
): Promise<void> {
  const path = panel.context.path;
  if (!view.isAttached) {
    app.shell.add(view, 'right', { rank: 600 });
  }
  app.shell.activateById(view.id);
  view.showChecking(path);
  let unsaved = '';
  try {
    await panel.context.save();
  } catch (reason) {
    unsaved = `Could not save (${reason}): checked what the editor shows. `;
  }
  const settings = ServerConnection.makeSettings();
  let answer: IAnswer;
  let status: number;
  try {
    const response = await ServerConnection.makeRequest(
      URLExt.join(settings.baseUrl, 'llmcourse', 'check'),
      {
        method: 'POST',
        body: JSON.stringify({ path, notebook: panel.context.model.toJSON() })
      },
      settings
    );
    status = response.status;
    answer = await response.json().catch(() => ({
      error: `the Jupyter server answered ${response.status} ${response.statusText}`
    }));
  } catch (reason) {
    view.showError(path, `${unsaved}Could not reach the Jupyter server: ${reason}`);
    return;
  }
  if (status !== 200 || !answer.report) {
    const retry = answer.retry_after ? ` (retry in ${answer.retry_after} s)` : '';
    view.showError(path, `${unsaved}${answer.error ?? `Check failed (${status})`}${retry}`);
    return;
  }
  view.showReport(path, answer, answer.report, exercise => {
    void jumpTo(app, panel, exercise);
  });
}

// Where checks are graded, in the student's words: they should know where their code goes.
async function describeGrader(): Promise<string> {
  const settings = ServerConnection.makeSettings();
  try {
    const response = await ServerConnection.makeRequest(
      URLExt.join(settings.baseUrl, 'llmcourse', 'check'),
      {},
      settings
    );
    const where = (await response.json()) as { grader: string; service: string | null };
    return where.grader === 'service'
      ? `Your notebook is sent to your class’s check service, ${where.service}.`
      : 'Your notebook is graded on this machine, with the course installed here.';
  } catch {
    return '';
  }
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: '@llmcourse/check:plugin',
  description: 'A Check button: grade the notebook against the hidden tests, feedback in a side panel.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [ICommandPalette],
  activate: (
    app: JupyterFrontEnd,
    notebooks: INotebookTracker,
    palette: ICommandPalette | null
  ) => {
    const view = new CheckPanel();
    void describeGrader().then(where => view.setWhere(where));
    let running = false; // one check at a time: a second click waits for the first result
    const run = async (panel: NotebookPanel | null): Promise<void> => {
      if (!panel || running) {
        return;
      }
      running = true;
      app.commands.notifyCommandChanged(COMMAND);
      try {
        await check(app, panel, view);
      } finally {
        running = false;
        app.commands.notifyCommandChanged(COMMAND);
      }
    };
    app.commands.addCommand(COMMAND, {
      label: 'Check Notebook Against the Hidden Tests',
      caption: 'Save the notebook, grade it against the hidden tests and show the feedback',
      icon: checkIcon,
      isEnabled: () => notebooks.currentWidget !== null && !running,
      execute: () => run(notebooks.currentWidget)
    });
    palette?.addItem({ command: COMMAND, category: 'Course' });
    app.docRegistry.addWidgetExtension('Notebook', {
      createNew: (panel: NotebookPanel) => {
        const button = new ToolbarButton({
          className: 'llmc-CheckButton',
          icon: checkIcon,
          label: 'Check',
          tooltip: 'Save, then grade this notebook against the hidden tests',
          onClick: () => void run(panel)
        });
        // Beside the cell type selector when the toolbar has one (its items come from settings).
        if (!panel.toolbar.insertAfter('cellType', 'llmcourse-check', button)) {
          panel.toolbar.insertItem(10, 'llmcourse-check', button);
        }
        return button;
      }
    });
  }
};

export default plugin;
