! The bindings keep no state of their own, so the C library's thread contract carries over
! (common.h): const queries on one shared handle run concurrently and agree with the serial
! results, and vs_last_error() is per thread. Threads come from OpenMP. Output is TAP.
! (This test found that gfortran 12 keeps the length of deferred-length character function
! results in a static variable: the string functions of the module return fixed-length strings.)
program test_fortran_threads
  use, intrinsic :: iso_c_binding, only: c_double
  use voigtspin
  implicit none
  integer, parameter :: nthreads = 4, rounds = 200
  type(vs_elastic_t) :: el
  type(vs_coupling_t) :: c
  real(c_double) :: m_serial(6, 6), j_serial(6, 6), khat(3)
  real(c_double), allocatable :: jbuf(:, :)
  logical :: same(nthreads), own_message(nthreads)
  integer :: t

  call el%create_poisson_shear(0.35_c_double, 1.0_c_double)
  call c%create(el, 1e-12_c_double)
  khat = [1.0_c_double, 2.0_c_double, 2.0_c_double]
  call el%mandel(m_serial)
  call c%jtilde(khat, jbuf)
  j_serial = jbuf

  same = .false.
  own_message = .false.
  !$omp parallel do num_threads(nthreads) schedule(static, 1) default(none) &
  !$omp shared(el, c, khat, m_serial, j_serial, same, own_message) private(t)
  do t = 1, nthreads
    call worker(t, same(t), own_message(t))
  end do
  !$omp end parallel do

  call tap(1, all(same), 'concurrent mandel/jtilde queries on shared handles equal the serial results')
  call tap(2, all(own_message), 'each thread reads its own vs_last_error() message')
  write (*, '(a)') '1..2'
  deallocate (jbuf)
  call c%free()
  call el%free()
  if (.not. (all(same) .and. all(own_message))) stop 1

contains

  subroutine tap(i, good, name)
    integer, intent(in) :: i
    logical, intent(in) :: good
    character(len=*), intent(in) :: name
    if (good) then
      write (*, '(a, i0, a)') 'ok ', i, ' - ' // name
    else
      write (*, '(a, i0, a)') 'not ok ', i, ' - ' // name
    end if
  end subroutine tap

  subroutine worker(t, same, own)
    integer, intent(in) :: t
    logical, intent(out) :: same, own
    type(vs_elastic_t) :: bad
    real(c_double) :: m(6, 6)
    real(c_double), allocatable :: j(:, :)
    character(len=VS_MESSAGE_LEN) :: msg
    character(len=16) :: mine
    integer :: r, st
    ! Thread t fails with mu = -t: its message must name its own value, whatever the others do.
    write (mine, '(a, i0)') 'mu = -', t
    same = .true.
    own = .true.
    do r = 1, rounds
      call bad%create_lame(1.0_c_double, -real(t, c_double), st)
      call el%mandel(m)
      call c%jtilde(khat, j)
      same = same .and. all(abs(m - m_serial) <= 0.0_c_double) .and. all(abs(j - j_serial) <= 0.0_c_double)
      msg = vs_last_error()
      own = own .and. st == VS_ENONPHYS .and. index(msg, trim(mine)) > 0
    end do
  end subroutine worker
end program test_fortran_threads
