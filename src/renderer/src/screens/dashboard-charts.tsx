import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import type { DashboardSummary } from '../../../contract/ops/dashboard'

/**
 * The dashboard's charts (a lazy chunk: recharts stays out of the first screen). Each chart is drawn
 * for sighted users and hidden from assistive technology; the same numbers are in a visually hidden
 * table right after it, which is what a screen reader reads. Charts are laid out left to right in every
 * language (recharts' mirrored axes draw their labels over the bars); the tables follow the page. (The wrapper, not the table, is hidden: a
 * table never shrinks to 1px and would widen the page.)
 */
export default function DashboardCharts({ summary }: { summary: DashboardSummary }): ReactNode {
  const { t, i18n } = useTranslation()
  const number = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 1 })
  const { counts, passRates, missedCriteria } = summary
  if (counts.finalized === 0) return <p className="muted">{t('start.noResults')}</p>
  const overall = (counts.passed / counts.finalized) * 100
  const passData = passRates.map((r) => ({ name: r.name, rate: r.passRate }))
  const missData = missedCriteria.map((m) => ({
    name: m.title,
    belowMax: m.belowMax,
    failedMinimum: m.failedMinimum,
  }))
  const chartHeight = (rows: number) => Math.max(120, 44 * rows + 40)
  return (
    <div className="dashboard-charts">
      <p className="dashboard-overall">
        {t('start.overall', {
          passed: number.format(counts.passed),
          finalized: number.format(counts.finalized),
          rate: number.format(Math.floor(overall * 10) / 10),
        })}
      </p>
      <figure className="card chart-card" aria-labelledby="pass-rate-title">
        <figcaption id="pass-rate-title" className="chart-title">
          {t('start.passRateTitle')}
        </figcaption>
        <div
          className="chart"
          dir="ltr"
          aria-hidden="true"
          style={{ blockSize: chartHeight(passData.length) }}
        >
          <ResponsiveContainer width="100%" height="100%">
            <BarChart
              data={passData}
              layout="vertical"
              margin={{ left: 8, right: 24 }}
              accessibilityLayer={false}
            >
              <CartesianGrid strokeDasharray="3 3" horizontal={false} />
              <XAxis type="number" domain={[0, 100]} unit="%" />
              <YAxis type="category" dataKey="name" width={160} />
              <Tooltip formatter={(v) => `${number.format(Number(v))} %`} />
              <Bar dataKey="rate" name={t('start.passRate')} fill="#0a58a8" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </div>
        <div className="visually-hidden">
          <table>
            <caption>{t('start.passRateTitle')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('start.achievement')}</th>
                <th scope="col">{t('start.assessed')}</th>
                <th scope="col">{t('start.passedCol')}</th>
                <th scope="col">{t('start.passRate')}</th>
              </tr>
            </thead>
            <tbody>
              {passRates.map((r) => (
                <tr key={r.achievementId}>
                  <th scope="row">{r.name}</th>
                  <td>{number.format(r.assessed)}</td>
                  <td>{number.format(r.passed)}</td>
                  <td>{number.format(r.passRate)} %</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </figure>
      <figure className="card chart-card" aria-labelledby="missed-title">
        <figcaption id="missed-title" className="chart-title">
          {t('start.missedTitle')}
        </figcaption>
        {missData.length === 0 ? (
          <p className="muted">{t('start.noneMissed')}</p>
        ) : (
          <>
            <div
              className="chart"
              dir="ltr"
              aria-hidden="true"
              style={{ blockSize: chartHeight(missData.length) }}
            >
              <ResponsiveContainer width="100%" height="100%">
                <BarChart
                  data={missData}
                  layout="vertical"
                  margin={{ left: 8, right: 24 }}
                  accessibilityLayer={false}
                >
                  <CartesianGrid strokeDasharray="3 3" horizontal={false} />
                  <XAxis type="number" allowDecimals={false} />
                  <YAxis type="category" dataKey="name" width={160} />
                  <Tooltip />
                  <Bar
                    dataKey="failedMinimum"
                    name={t('start.failedMinimum')}
                    fill="#b3261e"
                    isAnimationActive={false}
                  />
                  <Bar
                    dataKey="belowMax"
                    name={t('start.belowMax')}
                    fill="#6b7380"
                    isAnimationActive={false}
                  />
                </BarChart>
              </ResponsiveContainer>
            </div>
            <ul className="chart-legend" aria-hidden="true">
              <li>
                <span className="swatch swatch-danger" /> {t('start.failedMinimum')}
              </li>
              <li>
                <span className="swatch swatch-muted" /> {t('start.belowMax')}
              </li>
            </ul>
            <div className="visually-hidden">
              <table>
                <caption>{t('start.missedTitle')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('start.criterion')}</th>
                    <th scope="col">{t('start.rubric')}</th>
                    <th scope="col">{t('start.assessed')}</th>
                    <th scope="col">{t('start.failedMinimum')}</th>
                    <th scope="col">{t('start.belowMax')}</th>
                  </tr>
                </thead>
                <tbody>
                  {missedCriteria.map((m) => (
                    <tr key={`${m.rubricId}/${m.criterionId}`}>
                      <th scope="row">{m.title}</th>
                      <td>{m.rubricName}</td>
                      <td>{number.format(m.assessed)}</td>
                      <td>{number.format(m.failedMinimum)}</td>
                      <td>{number.format(m.belowMax)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </figure>
    </div>
  )
}
