! The distributed lattice of module voigtspin_mpi (vs_mpi_lattice_t; docs/mpi.md, "Fortran") under mpiexec
! on 1, 2 and 4 ranks (suite 'mpi'). Rank 0 prints TAP; every check is agreed over all ranks (logical AND).
!
! The reference is the serial lattice of module voigtspin (vs_lattice_t, the same cell, basis, supercell,
! coupling, options, U and D), built on every rank from the whole configuration: each rank's slab of
! fields, taken from the global arrays at the columns vs_mpi_lattice_local names, and the energies
! (by FFT and from the fields) agree to 1e-12 relative (fields: relative to the largest |h|). Geometries:
! even and odd supercells, one and two basis sites, periodic and an open cluster; on 4 ranks some ranks
! hold no sites. Bad input: an INTEGER that is no communicator and MPI_COMM_NULL, arguments that differ
! between ranks, a frac of the wrong shape, spins of the wrong shape on ONE rank (VS_EINVAL on every
! rank, nobody left waiting), U of the wrong shape, a non-finite spin, a never-created handle: a status
! through `stat`, no abort. With an argument, the same without `stat` (run_stop): error stop 1.
program test_fortran_mpi_lattice
  use, intrinsic :: iso_c_binding, only: c_double, c_int, c_size_t
  use, intrinsic :: ieee_arithmetic, only: ieee_value, ieee_quiet_nan
  use mpi
  use voigtspin
  use voigtspin_mpi
  implicit none

  real(c_double), parameter :: tol = 1e-12_c_double
  real(c_double), parameter :: eye(3, 3) = reshape([1, 0, 0, 0, 1, 0, 0, 0, 1], [3, 3])
  ! non-symmetric on purpose: both libraries symmetrise (the wrapper passes the transpose to C)
  real(c_double), parameter :: umat(3, 3) = reshape([0.7_c_double, 0.1_c_double, -0.2_c_double, &
                                                     0.3_c_double, -0.4_c_double, 0.05_c_double, &
                                                     0.0_c_double, 0.25_c_double, 0.9_c_double], [3, 3])
  real(c_double), parameter :: dmat(3, 3) = reshape([-0.3_c_double, 0.2_c_double, 0.0_c_double, &
                                                     0.2_c_double, 0.5_c_double, -0.1_c_double, &
                                                     0.15_c_double, -0.1_c_double, 0.1_c_double], [3, 3])
  integer :: rank, nranks, ierr, ntest, nfail
  character(len=16) :: mode

  call MPI_Init(ierr)
  call MPI_Comm_rank(MPI_COMM_WORLD, rank, ierr)
  call MPI_Comm_size(MPI_COMM_WORLD, nranks, ierr)
  ntest = 0
  nfail = 0
  call get_command_argument(1, mode)
  if (mode /= '') call run_stop(mode)

  call run_geometry('sc dipolar L=(4,4,2), periodic', reshape([0, 0, 0], [3, 1]) * 1.0_c_double, [4, 4, 2], &
                    VS_LATTICE_PERIODIC)
  call run_geometry('bcc dipolar L=(3,4,5), periodic', &
                    reshape([0.0_c_double, 0.0_c_double, 0.0_c_double, 0.5_c_double, 0.5_c_double, 0.5_c_double], &
                            [3, 2]), [3, 4, 5], VS_LATTICE_PERIODIC)
  call run_geometry('bcc dipolar L=(3,4,2), open cluster', &
                    reshape([0.0_c_double, 0.0_c_double, 0.0_c_double, 0.5_c_double, 0.5_c_double, 0.5_c_double], &
                            [3, 2]), [3, 4, 2], VS_LATTICE_OPEN)
  call run_bad()

  if (rank == 0) write (*, '(a, i0)') '1..', ntest
  call MPI_Finalize(ierr)
  if (nfail /= 0) error stop 1

contains

  !> A deterministic configuration, the same on every rank (no generator state shared with anyone).
  subroutine fill(s)
    real(c_double), intent(out) :: s(:, :)
    integer :: a, m
    do m = 1, size(s, 2)
      do a = 1, size(s, 1)
        s(a, m) = sin(1.3_c_double * m + 0.7_c_double * a * a) + 0.25_c_double * cos(0.37_c_double * m * a)
      end do
    end do
  end subroutine fill

  logical function close_rel(a, b)
    real(c_double), intent(in) :: a, b
    close_rel = abs(a - b) <= tol * max(abs(a), abs(b))
  end function close_rel

  !> Serial (module voigtspin, whole lattice on every rank) against distributed (module voigtspin_mpi).
  subroutine run_geometry(name, frac, l, boundary)
    character(len=*), intent(in) :: name
    real(c_double), intent(in) :: frac(:, :)
    integer, intent(in) :: l(3)
    integer(c_int), intent(in) :: boundary
    type(vs_coupling_t) :: c
    type(vs_lattice_options_t) :: opt
    type(vs_lattice_t) :: lat
    type(vs_mpi_lattice_t) :: ml
    real(c_double), allocatable :: s(:, :), h(:, :), sl(:, :), hl(:, :)
    real(c_double) :: e1, e2, e3, hmax
    integer(c_size_t) :: first, n, ntot
    integer :: st, st2, nc, fp, np, k, ns(3)
    logical :: ok

    call vs_coupling_create_dipolar(c, stat=st)
    if (st == VS_OK) call vs_lattice_options_create(opt, stat=st)
    if (st == VS_OK) call vs_lattice_options_set(opt, VS_LATTICE_OPT_BOUNDARY, real(boundary, c_double), stat=st)
    if (st == VS_OK) call vs_lattice_create(lat, eye, frac, l, c, opt=opt, stat=st)
    call check(st == VS_OK, name // ': serial lattice of module voigtspin')
    call vs_mpi_lattice_create(ml, MPI_COMM_WORLD, eye, frac, l, c, opt=opt, stat=st)
    call check(st == VS_OK .and. ml%is_associated() .and. ml%nsites() == vs_lattice_nsites(lat) .and. &
               ml%ncomp() == vs_lattice_ncomp(lat), name // ': create with MPI_COMM_WORLD, nsites and ncomp')
    ! the coupling and the options were only read during the call
    call c%free()
    call opt%free()
    if (st /= VS_OK) return

    ! the slabs: contiguous, in rank order, covering every site once
    call ml%local(first_plane=fp, nplanes=np, nsites=n, first_site=first, stat=st)
    ok = st == VS_OK .and. n == ml%local_nsites() .and. n == int(np, c_size_t) * size(frac, 2) * l(2) * l(3)
    if (np > 0) ok = ok .and. first == int(fp - 1, c_size_t) * l(2) * l(3) * size(frac, 2) + 1
    call MPI_Allreduce(n, ntot, 1, MPI_INTEGER8, MPI_SUM, MPI_COMM_WORLD, ierr)
    ok = ok .and. ntot == ml%nsites()
    call MPI_Exscan(n, ntot, 1, MPI_INTEGER8, MPI_SUM, MPI_COMM_WORLD, ierr)
    if (rank == 0) ntot = 0
    if (n > 0) ok = ok .and. first == ntot + 1
    call check(ok, name // ': local: the slabs cover the sites in rank order (first_site, nsites, first_plane)')

    nc = ml%ncomp()
    allocate (s(nc, ml%nsites()), h(nc, ml%nsites()), sl(nc, n), hl(nc, n))
    call fill(s)
    sl = s(:, first:first + n - 1)

    ! three Hamiltonians: the pair part alone, + U and D, and U and D cleared again
    do k = 1, 3
      if (k == 2) then
        call lat%set_uniform(umat, stat=st)
        call lat%set_onsite(dmat, stat=st2)
        ok = st == VS_OK .and. st2 == VS_OK
        call ml%set_uniform(umat, stat=st)
        call ml%set_onsite(dmat, stat=st2)
        call check(ok .and. st == VS_OK .and. st2 == VS_OK, name // ': set_uniform and set_onsite')
      else if (k == 3) then
        call lat%set_uniform(stat=st)
        call lat%set_onsite(stat=st2)
        ok = st == VS_OK .and. st2 == VS_OK
        call ml%set_uniform(stat=st)
        call ml%set_onsite(stat=st2)
        call check(ok .and. st == VS_OK .and. st2 == VS_OK, name // ': U and D cleared (absent matrix)')
      end if
      call lat%fields(s, h, stat=st)
      call lat%energy(s, e1, stat=st2)
      ok = st == VS_OK .and. st2 == VS_OK
      hmax = maxval(abs(h))
      hl = huge(1.0_c_double)
      call ml%fields(sl, hl, stat=st)
      ok = ok .and. st == VS_OK .and. hmax > 0
      if (n > 0) ok = ok .and. maxval(abs(hl - h(:, first:first + n - 1))) <= tol * hmax
      call check(ok, name // ': ' // trim(stage(k)) // ': the slab of fields = the serial fields (1e-12 of max |h|)')
      call ml%energy(sl, e2, stat=st)
      ok = st == VS_OK .and. close_rel(e1, e2)
      call ml%energy_from_fields(sl, hl, e3, stat=st)
      ok = ok .and. st == VS_OK .and. close_rel(e1, e3)
      call check(ok, name // ': ' // trim(stage(k)) // ': energy and energy_from_fields = the serial energy (1e-12)')
    end do

    ! spins of a wrong shape on rank 0 alone: VS_EINVAL on every rank, the others not left waiting
    ns = [nc, int(n), 0]
    if (rank == 0) ns(2) = ns(2) + 1
    block
      real(c_double) :: sb(ns(1), ns(2)), hb(ns(1), ns(2))
      sb = 0
      call ml%fields(sb, hb, stat=st)
      call check(st == VS_EINVAL, name // ': fields with spins of a wrong shape on rank 0 only: VS_EINVAL on &
                 &every rank')
      call ml%energy(sb, e2, stat=st)
      call check(st == VS_EINVAL, name // ': energy with spins of a wrong shape on rank 0 only: VS_EINVAL on &
                 &every rank')
    end block
    ! a NaN in the spins of the last rank that holds sites
    call MPI_Allreduce(merge(rank, -1, n > 0), k, 1, MPI_INTEGER, MPI_MAX, MPI_COMM_WORLD, ierr)
    if (rank == k) sl(1, 1) = ieee_value(1.0_c_double, ieee_quiet_nan)
    call ml%energy(sl, e2, stat=st)
    call check(st == VS_EINVAL, name // ': a NaN spin on one rank: VS_EINVAL on every rank')
    call ml%set_uniform(umat(1:2, :), stat=st)
    call check(st == VS_EINVAL, name // ': set_uniform with a (2, 3) matrix: VS_EINVAL')

    call ml%free()
    call check(.not. ml%is_associated() .and. ml%nsites() == 0 .and. ml%local_nsites() == 0, &
               name // ': free resets the handle')
    call ml%free()
    call lat%free()
  end subroutine run_geometry

  character(len=16) function stage(k)
    integer, intent(in) :: k
    stage = merge('pair part only  ', 'with U and D    ', k == 1)
    if (k == 3) stage = 'U, D cleared'
  end function stage

  subroutine run_bad()
    type(vs_coupling_t) :: c
    type(vs_mpi_lattice_t) :: ml, never
    real(c_double) :: s(3, 1), h(3, 1), e
    real(c_double), parameter :: frac1(3, 1) = 0
    integer :: st, l(3)
    integer(c_size_t) :: n

    call vs_coupling_create_dipolar(c, stat=st)
    call check(st == VS_OK, 'bad input: setup (dipolar coupling)')
    call vs_mpi_lattice_create(ml, -12345, eye, frac1, [2, 2, 2], c, stat=st)
    call check(st == VS_EINVAL .and. .not. ml%is_associated(), &
               'create with the INTEGER -12345 (no communicator): VS_EINVAL, no abort')
    call vs_mpi_lattice_create(ml, MPI_COMM_NULL, eye, frac1, [2, 2, 2], c, stat=st)
    call check(st == VS_EINVAL .and. .not. ml%is_associated(), 'create with MPI_COMM_NULL: VS_EINVAL')
    call vs_mpi_lattice_create(ml, MPI_COMM_WORLD, eye, reshape([0.0_c_double, 0.0_c_double], [2, 1]), [2, 2, 2], c, &
                               stat=st)
    call check(st == VS_EINVAL .and. .not. ml%is_associated(), 'create with frac of shape (2, 1): VS_EINVAL')
    l = [4, 2, 2]
    if (rank == nranks - 1 .and. nranks > 1) l(1) = 5
    call vs_mpi_lattice_create(ml, MPI_COMM_WORLD, eye, frac1, l, c, stat=st)
    if (nranks > 1) then
      call check(st == VS_EINVAL .and. .not. ml%is_associated(), &
                 'create with another supercell on the last rank: VS_EINVAL on every rank')
    else
      call check(st == VS_OK, 'create on one rank (the supercell check needs two)')
      call ml%free()
    end if
    call vs_mpi_lattice_create(ml, MPI_COMM_WORLD, eye, frac1, [2, 2, 0], c, stat=st)
    call check(st == VS_EINVAL .and. .not. ml%is_associated(), 'create with L3 = 0: VS_EINVAL')

    ! a never-created handle
    s = 0
    call never%fields(s, h, stat=st)
    call check(st == VS_EINVAL, 'fields of a never-created handle: VS_EINVAL')
    call never%energy(s, e, stat=st)
    call check(st == VS_EINVAL, 'energy of a never-created handle: VS_EINVAL')
    call never%energy_from_fields(s, h, e, stat=st)
    call check(st == VS_EINVAL, 'energy_from_fields of a never-created handle: VS_EINVAL')
    call never%local(nsites=n, stat=st)
    call check(st == VS_EINVAL, 'local of a never-created handle: VS_EINVAL')
    call never%set_uniform(umat, stat=st)
    call check(st == VS_EINVAL, 'set_uniform of a never-created handle: VS_EINVAL')
    call never%set_onsite(stat=st)
    call check(st == VS_EINVAL, 'set_onsite(absent) of a never-created handle: VS_EINVAL')
    call check(never%nsites() == 0 .and. never%ncomp() == 0 .and. never%local_nsites() == 0 .and. &
               .not. never%is_associated(), 'a never-created handle: nsites, ncomp, local_nsites 0')
    call never%free()
    call c%free()
  end subroutine run_bad

  !> Without `stat` (check_fortran_mpi_error_stop.py): the wrapper's own checks end the program with
  !> the message and `error stop 1` — an INTEGER that is no communicator ('stop-comm'), spins of a
  !> wrong shape ('stop-shape'). Reaching the line after the failing call is a failure.
  subroutine run_stop(what)
    character(len=*), intent(in) :: what
    type(vs_coupling_t) :: c
    type(vs_mpi_lattice_t) :: ml
    real(c_double) :: s(3, 1), h(3, 1)
    real(c_double), parameter :: frac1(3, 1) = 0
    integer :: comm
    call c%create_dipolar()
    comm = MPI_COMM_WORLD
    if (what == 'stop-comm') comm = -12345
    write (*, '(a)') 'before the failing call'
    flush (6)
    call ml%create(comm, eye, frac1, [2, 2, 2], c)
    s = 1
    call ml%fields(s, h)   ! 8 sites on one rank: (3, 1) is the wrong shape
    write (*, '(a)') 'after the failing call'
    flush (6)
    call MPI_Finalize(ierr)
    stop
  end subroutine run_stop

  include 'mpi_tap_check.inc'

end program test_fortran_mpi_lattice
